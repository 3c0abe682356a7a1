/**
 * Microphone capture for the speech view, on the page's thread (the Web Audio API lives here, not
 * in workers): getUserMedia → an AudioContext → an AudioWorklet that posts each 128-sample block of
 * the first channel (a ScriptProcessor where AudioWorklet is missing). The result is the raw Float32
 * samples at the context's rate (often 44.1 or 48 kHz); the worker resamples them to the model's
 * rate. Every way the microphone can fail becomes an Error whose message says what to do.
 */

/** The worklet's source, loaded from a blob: URL (same origin, so no request leaves the page). */
const WORKLET = `registerProcessor('lstm-capture', class extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
});`;

export interface Recording {
  /** Seconds captured so far. */
  seconds(): number;
  /** Stop the microphone; the samples recorded (mono, Float32) and their rate. */
  stop(): Promise<{ samples: Float32Array; sampleRate: number }>;
}

/** What a getUserMedia failure means for the person at the page. */
export function microphoneMessage(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone permission was refused. Allow the microphone for this page in the browser’s site settings, then press Record again (or load a WAV file).';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError')
    return 'No microphone was found. Connect one and press Record again, or load a WAV file.';
  if (name === 'NotReadableError' || name === 'AbortError')
    return 'The microphone could not be opened: another program may be using it.';
  const message = error instanceof Error ? error.message : String(error);
  return `The microphone could not be started: ${message}`;
}

export async function startRecording(): Promise<Recording> {
  const media = globalThis.navigator?.mediaDevices;
  if (media?.getUserMedia === undefined)
    throw new Error(
      'This page cannot reach a microphone here: browsers allow it only on https or localhost pages. Load a WAV file instead.',
    );
  let stream: MediaStream;
  try {
    // the raw signal: no echo cancelling, noise suppression or gain control (the model never heard them)
    stream = await media.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (error) {
    throw new Error(microphoneMessage(error));
  }
  const context = new AudioContext();
  try {
    return await capture(stream, context);
  } catch (error) {
    // the microphone is released whatever went wrong after it was granted
    for (const track of stream.getTracks()) track.stop();
    void context.close();
    throw error;
  }
}

async function capture(stream: MediaStream, context: AudioContext): Promise<Recording> {
  const chunks: Float32Array[] = [];
  let length = 0;
  const keep = (block: Float32Array): void => {
    chunks.push(block);
    length += block.length;
  };
  const source = context.createMediaStreamSource(stream);
  let node: AudioNode;
  if (context.audioWorklet !== undefined) {
    const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
    try {
      await context.audioWorklet.addModule(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    const worklet = new AudioWorkletNode(context, 'lstm-capture');
    worklet.port.onmessage = (e: MessageEvent<Float32Array>) => keep(e.data);
    node = worklet;
  } else {
    // deprecated, but the only capture where AudioWorklet is missing
    const processor = context.createScriptProcessor(4096, 1, 1);
    processor.onaudioprocess = (e) => keep(e.inputBuffer.getChannelData(0).slice());
    node = processor;
  }
  // connected to the output so the graph runs; the node writes silence, so nothing is heard
  source.connect(node).connect(context.destination);
  return {
    seconds: () => length / context.sampleRate,
    async stop() {
      for (const track of stream.getTracks()) track.stop();
      source.disconnect();
      node.disconnect();
      const sampleRate = context.sampleRate;
      await context.close();
      const samples = new Float32Array(length);
      let at = 0;
      for (const chunk of chunks) {
        samples.set(chunk, at);
        at += chunk.length;
      }
      return { samples, sampleRate };
    },
  };
}

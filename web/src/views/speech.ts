/**
 * Speech: a CTC speech recogniser (the library's SpeechRecognizer) read from a model file made by
 * `lstm speech train`, transcribing a WAV file or a microphone recording (speech-capture.ts). The
 * worker (jobs/speech.ts) decodes and resamples the audio, transcribes it and draws the alignment;
 * this page shows the text, each character's time, and that chart (speech-result.ts).
 */
import { clientFor } from '../clients.ts';
import { button, field, fileDrop, h, numberInput, showError, showStatus } from '../dom.ts';
import type { RecognizerInfo, RecordingInfo, SpeechResult } from '../jobs/speech.ts';
import { type Recording, startRecording } from '../speech-capture.ts';
import { showResult } from '../speech-result.ts';
import type { View } from './index.ts';

const HOW_TO = `# a folder of WAV files with transcripts.csv (columns file,text), or files named LABEL_*.wav
lstm speech train --data recordings --save speech.lstm

# e.g. spoken digits: the Free Spoken Digit Dataset's recordings (0_jackson_0.wav …), about a minute
lstm speech train --data free-spoken-digit-dataset/recordings --save digits.lstm`;

export const speechView: View = {
  id: 'speech',
  title: 'Speech',
  mount(section) {
    const client = clientFor('speech');
    const status = h('p', { className: 'status', id: 'speech-status', role: 'status' });
    const summary = h('div', { className: 'stats', id: 'speech-model' });
    const recordingInfo = h('p', { className: 'status', id: 'speech-recording' }, 'No recording yet.');
    const result = h('div', { id: 'speech-result' });
    const beam = field(
      'Beam width (1 = greedy)',
      Object.assign(numberInput(1, 1, 64, 1, 'beam'), { id: 'speech-beam' }),
    );
    let haveModel = false;
    let haveRecording = false;

    const transcribe = async (): Promise<void> => {
      showStatus(status, 'Transcribing…');
      const r = await client.call<SpeechResult>('speech-transcribe', { beam: Number(beam.control.value) });
      showResult(result, r);
      showStatus(
        status,
        `Transcribed ${r.seconds.toFixed(2)} s (${r.steps} steps): ${r.characters.length} character${r.characters.length === 1 ? '' : 's'}.`,
      );
    };
    const transcribeButton = button('Transcribe', transcribe, status);
    transcribeButton.id = 'speech-transcribe';
    transcribeButton.disabled = true;
    const ready = async (): Promise<void> => {
      transcribeButton.disabled = !(haveModel && haveRecording);
      if (haveModel && haveRecording) await transcribe();
    };
    /** Run `step`; its error (the library's message) goes to the status line. */
    const guarded = (step: () => Promise<void>) => async () => {
      try {
        await step();
      } catch (error) {
        showError(status, error);
      }
    };

    const loadModel = (file: File) =>
      guarded(async () => {
        showStatus(status, `Reading ${file.name}…`);
        const bytes = new Uint8Array(await file.arrayBuffer());
        const info = await client.call<RecognizerInfo>('speech-load', { bytes }, [bytes.buffer]);
        summary.replaceChildren(
          ...[
            [file.name, 'model'],
            [JSON.stringify(info.alphabet), 'alphabet'],
            [`${info.sampleRate} Hz`, 'sample rate'],
            [info.features, 'features'],
            [info.network, 'network'],
            [info.parameters.toLocaleString('en'), 'parameters'],
          ].map(([value, label]) => h('div', { className: 'stat' }, h('b', {}, value), h('span', {}, label))),
        );
        haveModel = true;
        showStatus(status, `Loaded ${file.name}.`);
        await ready();
      })();

    const took = async (info: RecordingInfo, what: string): Promise<void> => {
      haveRecording = true;
      recordingInfo.textContent = `${what}: ${info.seconds.toFixed(2)} s at ${info.sampleRate} Hz${info.channels > 1 ? `, ${info.channels} channels mixed down` : ''}.`;
      showStatus(status, `${what} ready.`);
      await ready();
    };
    const loadWav = (file: File) =>
      guarded(async () => {
        showStatus(status, `Reading ${file.name}…`);
        const bytes = new Uint8Array(await file.arrayBuffer());
        await took(await client.call<RecordingInfo>('speech-wav', { bytes }, [bytes.buffer]), file.name);
      })();

    // the microphone: one button that starts and stops, its state in its text and aria-pressed
    const record = h(
      'button',
      { type: 'button', 'aria-pressed': 'false', id: 'speech-record', 'aria-describedby': 'speech-status' },
      'Record from the microphone',
    );
    let recording: Recording | null = null;
    let ticker: ReturnType<typeof setInterval> | undefined;
    record.addEventListener(
      'click',
      guarded(async () => {
        if (recording === null) {
          record.disabled = true;
          try {
            recording = await startRecording();
          } finally {
            record.disabled = false;
          }
          record.textContent = 'Stop recording';
          record.setAttribute('aria-pressed', 'true');
          showStatus(status, 'Recording… press Stop recording when done.');
          ticker = setInterval(
            () => (recordingInfo.textContent = `Recording: ${recording?.seconds().toFixed(1)} s`),
            200,
          );
          return;
        }
        clearInterval(ticker);
        showStatus(status, 'Stopping the microphone…');
        const { samples, sampleRate } = await recording.stop();
        recording = null;
        record.textContent = 'Record from the microphone';
        record.setAttribute('aria-pressed', 'false');
        const info = await client.call<RecordingInfo>('speech-samples', { samples, sampleRate }, [samples.buffer]);
        await took(info, 'Microphone recording');
      }),
    );

    const modelZone = h('div', { className: 'panel', id: 'speech-model-zone' }, h('h3', {}, '1. A speech model'));
    modelZone.append(fileDrop(modelZone, '.lstm,application/octet-stream', 'Model file (.lstm)', loadModel), summary);
    const audioZone = h('div', { className: 'panel', id: 'speech-audio-zone' }, h('h3', {}, '2. A recording'));
    audioZone.append(
      fileDrop(audioZone, '.wav,audio/wav,audio/x-wav', 'WAV file (PCM or float, any rate)', loadWav),
      h('div', { className: 'buttons' }, record),
      recordingInfo,
      h('div', { className: 'row' }, beam.row),
      h('div', { className: 'buttons' }, transcribeButton),
    );

    section.append(
      h(
        'p',
        {},
        'A speech recogniser trained with CTC turns a recording into text and tells when each character was said. ',
        'Nothing is recorded or sent anywhere: the audio stays in this page.',
      ),
      h(
        'details',
        { className: 'panel', open: true },
        h('summary', {}, 'No speech model is built into this page: how to make one'),
        h('p', {}, 'Train one with the lstm command (Node), then load its file here:'),
        h('pre', { className: 'samples' }, h('code', {}, HOW_TO)),
        h(
          'p',
          {},
          'The model file keeps its feature settings and sample rate, so any WAV (or the microphone, at any rate) is ',
          'resampled to match. docs/speech.md describes the features, the network and the results on spoken digits.',
        ),
      ),
      h(
        'div',
        { className: 'columns' },
        h('div', {}, modelZone, audioZone, status),
        h('div', { className: 'panel' }, h('h3', {}, 'Transcript'), result),
      ),
    );
  },
};

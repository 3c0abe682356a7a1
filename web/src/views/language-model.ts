/**
 * The character language model: choose a text (built in, pasted or dropped), a cell and a size,
 * then start, pause, resume or stop; the loss in bits per character is drawn live, samples arrive every N
 * updates, and the model can be sampled at any temperature and prime. The session is kept in
 * IndexedDB (restore it after a reload and continue), and the model downloads and uploads as a
 * file in the CLI's format. All of it runs in the worker (jobs/language-model.ts).
 */
import { lineChart } from '../charts.ts';
import { clientFor } from '../clients.ts';
import { button, download, field, fileDrop, h, numberInput, select, showError, showStatus } from '../dom.ts';
import type { CreateInput, ModelInfo, SampleInput, TrainInput } from '../jobs/language-model.ts';
import type { LossPoint } from '../lm-store.ts';
import { BUILT_IN_TEXTS } from '../texts.ts';
import type { View } from './index.ts';

interface ProgressEvent {
  step: number;
  bitsPerChar: number;
  charsPerSecond: number;
  validationBitsPerChar: number | null;
}

export const languageModelView: View = {
  id: 'lm',
  title: 'Language model',
  mount(section) {
    const client = clientFor('lm');
    const status = h('p', { className: 'status', id: 'lm-status', role: 'status' });

    // ---- the text
    const source = select(
      [...BUILT_IN_TEXTS.map((t) => [t.id, t.title] as const), ['own', 'Your own text (paste or drop a file)']],
      'moby-dick',
    );
    source.id = 'lm-text-source';
    const ownText = h('textarea', { id: 'lm-own-text', rows: 5, placeholder: 'Paste any text here…' });
    let ownName = 'pasted text';
    const ownRow = field('Your text', ownText).row;
    ownRow.hidden = true;
    source.addEventListener('change', () => (ownRow.hidden = source.value !== 'own'));
    const drop = fileDrop(
      ownRow,
      '.txt,text/plain',
      'Or open a text file',
      async (file) => {
        ownText.value = await file.text();
        ownName = file.name;
        source.value = 'own';
        ownRow.hidden = false;
      },
      'lm-text-file',
    );

    // ---- the model and the recipe
    const cell = select(
      [
        ['lstm', 'LSTM'],
        ['gru', 'GRU'],
        ['rnn', 'plain RNN (tanh)'],
      ],
      'lstm',
    );
    const hidden = numberInput(128, 4, 1024);
    const layers = numberInput(2, 1, 4);
    const embedding = numberInput(32, 2, 512);
    const seed = numberInput(1, 0, 1e9);
    const seqLength = numberInput(50, 2, 500);
    const batch = numberInput(32, 1, 256);
    const lr = numberInput(0.003, 0.00001, 1);
    lr.step = 'any';
    const steps = numberInput(3000, 1, 1e7);
    const evalEvery = numberInput(100, 1, 1e6);
    const sampleEvery = numberInput(200, 0, 1e6);
    for (const [id, el] of Object.entries({
      hidden,
      layers,
      embedding,
      seed,
      seqLength,
      batch,
      lr,
      steps,
      evalEvery,
      sampleEvery,
    }))
      el.id = `lm-${id}`;

    // ---- sampling
    const temperature = h('input', { type: 'range', min: 0, max: 2, step: 0.05, value: 0.8, id: 'lm-temperature' });
    const temperatureValue = h('output', { for: 'lm-temperature' }, '0.80');
    temperature.addEventListener('input', () => (temperatureValue.textContent = Number(temperature.value).toFixed(2)));
    const prime = h('input', { type: 'text', id: 'lm-prime', value: 'The ' });
    const sampleLength = numberInput(300, 1, 5000);
    const sampleInput = (): SampleInput => ({
      prime: prime.value,
      temperature: Number(temperature.value),
      length: Number(sampleLength.value),
    });

    // ---- what the page shows
    const stat = (id: string, label: string): HTMLElement => {
      const value = h('b', { id: `lm-${id}` }, '–');
      stats.append(h('div', { className: 'stat' }, value, h('span', {}, label)));
      return value;
    };
    const stats = h('div', { className: 'stats', 'aria-live': 'off' });
    const stepStat = stat('step', 'updates');
    const lossStat = stat('loss', 'training bits/char');
    const validStat = stat('validation', 'validation bits/char');
    const speedStat = stat('speed', 'characters/s');
    const sizeStat = stat('parameters', 'parameters');
    const chartBox = h('div', { id: 'lm-chart' });
    const samples = h('div', { className: 'samples', id: 'lm-samples', 'aria-live': 'polite' });
    const saved = h('div', { className: 'panel', id: 'lm-saved', hidden: true });
    const chart = lineChart(chartBox, {
      label: 'Training and validation loss in bits per character, by update',
      xLabel: 'update',
      yLabel: 'bits/char',
      series: [
        { label: 'training', color: '#1f5fbf' },
        { label: 'validation', color: '#c0392b', points: true },
      ],
    });
    let curve: LossPoint[] = [];
    const drawCurve = (): void =>
      chart.setData([curve.map((p) => p.step), curve.map((p) => p.train), curve.map((p) => p.validation)]);

    const showInfo = (i: ModelInfo): void => {
      stepStat.textContent = String(i.step);
      sizeStat.textContent = i.parameters.toLocaleString('en');
      curve = [...i.curve];
      drawCurve();
    };
    const addSample = (step: number | null, text: string): void => {
      const header = h('header', {}, step === null ? 'sample' : `sample after update ${step}`);
      samples.prepend(h('div', { className: 'sample' }, header, text));
      while (samples.children.length > 12) samples.lastElementChild?.remove();
    };

    client.on<ProgressEvent>('lm-progress', (p) => {
      stepStat.textContent = String(p.step);
      if (Number.isFinite(p.bitsPerChar)) lossStat.textContent = p.bitsPerChar.toFixed(3);
      if (p.charsPerSecond > 0) speedStat.textContent = Math.round(p.charsPerSecond).toLocaleString('en');
      if (p.validationBitsPerChar !== null) {
        validStat.textContent = p.validationBitsPerChar.toFixed(3);
        curve.push({ step: p.step, train: p.bitsPerChar, validation: p.validationBitsPerChar });
      } else if (Number.isFinite(p.bitsPerChar)) curve.push({ step: p.step, train: p.bitsPerChar, validation: null });
      drawCurve();
    });
    client.on<{ step: number; text: string }>('lm-sample', (s) => addSample(s.step, s.text));
    client.on<{ step: number }>('lm-checkpoint', (c) =>
      showStatus(status, `Saved in this browser at update ${c.step}.`),
    );

    // ---- actions
    const controls = [source, ownText, cell, hidden, layers, embedding, seed];
    // Pause keeps the run open (Resume continues it); Stop ends it: the model stays for sampling,
    // the inside view and download, and the next run starts from Start
    let stopping = false;
    const setTraining = (on: boolean): void => {
      startButton.disabled = on;
      resumeButton.disabled = on || stopping;
      pauseButton.disabled = !on;
      stopButton.disabled = !on;
      for (const c of controls) c.disabled = on;
    };
    const trainInput = (): TrainInput => ({
      seqLength: Number(seqLength.value),
      batchSize: Number(batch.value),
      learningRate: Number(lr.value),
      maxSteps: Number(steps.value),
      evalEvery: Number(evalEvery.value),
      sampleEvery: Number(sampleEvery.value),
      sample: sampleInput(),
    });
    const runTraining = async (): Promise<void> => {
      setTraining(true);
      showStatus(status, 'Training…');
      try {
        const r = await client.call<{ stoppedBy: string; info: ModelInfo }>('lm-train', trainInput());
        showInfo(r.info);
        showStatus(
          status,
          stopping
            ? `Stopped at update ${r.info.step}; saved in this browser. Start begins a new model.`
            : r.stoppedBy === 'abort'
              ? `Paused at update ${r.info.step}; saved in this browser. Resume continues from here.`
              : `Finished ${r.info.step} updates; saved in this browser.`,
        );
      } catch (e) {
        showError(status, e);
      } finally {
        setTraining(false);
      }
    };
    const start = async (): Promise<void> => {
      stopping = false;
      const own = source.value === 'own';
      const input: CreateInput = {
        builtIn: own ? null : source.value,
        text: own ? ownText.value : null,
        textName: own ? ownName : source.value,
        cell: cell.value as CreateInput['cell'],
        hiddenSize: Number(hidden.value),
        numLayers: Number(layers.value),
        embeddingSize: Number(embedding.value),
        seed: Number(seed.value),
      };
      showStatus(status, 'Building the model…');
      samples.replaceChildren();
      showInfo(await client.call<ModelInfo>('lm-create', input));
      await runTraining();
    };
    const startButton = button('Start', start, status);
    startButton.id = 'lm-start';
    const pauseButton = h('button', { type: 'button', id: 'lm-pause', disabled: true }, 'Pause');
    pauseButton.addEventListener('click', () => void client.call('lm-pause'));
    const stopButton = h('button', { type: 'button', id: 'lm-stop', disabled: true, className: 'secondary' }, 'Stop');
    stopButton.addEventListener('click', () => {
      stopping = true;
      void client.call('lm-pause');
    });
    // (not dom.ts's button: that re-enables itself when its action ends; setTraining decides here)
    const resumeButton = h('button', { type: 'button', id: 'lm-resume' }, 'Resume');
    resumeButton.addEventListener('click', () => void runTraining());
    const sampleButton = button(
      'Sample now',
      async () => addSample(null, (await client.call<{ text: string }>('lm-sample', sampleInput())).text),
      status,
    );
    sampleButton.id = 'lm-sample-now';
    const downloadButton = button(
      'Download model',
      async () => download(await client.call<Uint8Array>('lm-export'), 'language-model.lstm'),
      status,
    );
    downloadButton.id = 'lm-download';
    for (const b of [sampleButton, downloadButton]) b.classList.add('secondary');
    const upload = h('input', { type: 'file', accept: '.lstm', id: 'lm-upload' });
    upload.addEventListener('change', async () => {
      const file = upload.files?.[0];
      if (file === undefined) return;
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const own = source.value === 'own' && ownText.value.length > 0 ? ownText.value : null;
        showInfo(await client.call<ModelInfo>('lm-import', { bytes, name: file.name, text: own }, [bytes.buffer]));
        showStatus(status, `Loaded ${file.name}. Sample it, or Resume to train it further.`);
      } catch (e) {
        showError(status, e);
      } finally {
        upload.value = '';
      }
    });

    // a session saved in this browser (by an earlier visit) can be restored
    void client.call<{ step: number; textName: string; savedAt: number } | null>('lm-saved').then((s) => {
      if (s === null) return;
      const when = new Date(s.savedAt).toLocaleString();
      const restore = button(
        'Restore it',
        async () => {
          showInfo(await client.call<ModelInfo>('lm-restore'));
          saved.hidden = true;
          showStatus(status, `Restored update ${s.step}. Resume continues training from there.`);
        },
        status,
      );
      restore.id = 'lm-restore';
      const forget = button('Forget it', async () => {
        await client.call('lm-forget');
        saved.hidden = true;
      });
      forget.classList.add('secondary');
      saved.replaceChildren(
        h('p', {}, `A model saved in this browser at update ${s.step} (text: ${s.textName}, ${when}).`),
        h('div', { className: 'buttons' }, restore, forget),
      );
      saved.hidden = false;
    });

    const grid = (...rows: HTMLElement[]): HTMLElement => h('div', { className: 'row' }, ...rows);
    section.append(
      h(
        'div',
        { className: 'columns' },
        h(
          'div',
          { className: 'panel' },
          h('h3', {}, 'Text'),
          field('Learn from', source).row,
          ownRow,
          drop,
          h('h3', {}, 'Network'),
          grid(field('Cell', cell).row, field('Hidden size', hidden).row),
          grid(field('Layers', layers).row, field('Embedding', embedding).row, field('Seed', seed).row),
          h('h3', {}, 'Training'),
          grid(field('Sequence length', seqLength).row, field('Batch', batch).row),
          grid(field('Learning rate', lr).row, field('Updates in all', steps).row),
          grid(field('Validate every', evalEvery).row, field('Sample every', sampleEvery).row),
          h('div', { className: 'buttons' }, startButton, pauseButton, resumeButton, stopButton),
          h('h3', {}, 'Sampling'),
          h(
            'div',
            { className: 'field' },
            h('label', { for: 'lm-temperature' }, 'Temperature '),
            temperature,
            temperatureValue,
          ),
          grid(field('Prime', prime).row, field('Length', sampleLength).row),
          h('div', { className: 'buttons' }, sampleButton, downloadButton),
          field('Upload a model file (.lstm)', upload).row,
        ),
        h('div', {}, saved, status, stats, chartBox, h('h3', {}, 'Samples'), samples),
      ),
    );
  },
};

/**
 * Classify: labelled texts (pasted lines, a CSV's columns, or the built-in example) → an LSTM text
 * classifier trained in the view's worker (jobs/classify.ts), scored on the documented test split
 * beside the majority class and a bag of words; then the class probabilities of whatever the user
 * types, and the model as a file (the format of `lstm classify --save`) to download or load back.
 */
import { CLASSIFY_EXAMPLE } from '../classify-example.ts';
import { confusionTable, probabilityBars, resultsTable } from '../classify-render.ts';
import { clientFor } from '../clients.ts';
import { button, download, field, fileDrop, h, numberInput, select, showError, showStatus } from '../dom.ts';
import type { ClassifyEpoch, ClassifyResult, ClassifyTrainInput, CsvLoaded, Probabilities } from '../jobs/classify.ts';
import type { View } from './index.ts';

const withId = <E extends HTMLElement>(el: E, id: string): E => {
  el.id = id;
  return el;
};

const checkbox = (id: string, checked = false): HTMLInputElement =>
  h('input', { type: 'checkbox', id, checked, style: 'min-height: 0; width: 1.2rem; height: 1.2rem' });

export const classifyView: View = {
  id: 'classify',
  title: 'Classify',
  mount(section) {
    const client = clientFor('classify');
    const status = h('p', { className: 'status', id: 'classify-status', role: 'status' });
    const fileStatus = h('p', { className: 'status', id: 'classify-file-status', role: 'status' });
    const lines = withId(h('textarea', { rows: 10, spellcheck: 'false' }), 'classify-lines');
    lines.value = CLASSIFY_EXAMPLE;
    const source = withId(select([['lines', 'the lines above']], 'lines'), 'classify-source');
    const textColumn = withId(select([]), 'classify-text-column');
    const labelColumn = withId(select([]), 'classify-label-column');
    const csvFields = h(
      'div',
      // (not the hidden attribute: .row's display: flex would override it)
      { className: 'row', style: 'display: none' },
      field('Text column', textColumn).row,
      field('Label column', labelColumn).row,
    );
    const tokens = withId(
      select(
        [
          ['word', 'words'],
          ['char', 'characters'],
        ],
        'word',
      ),
      'classify-tokens',
    );
    const epochs = withId(numberInput(30, 1, 1000), 'classify-epochs');
    const hidden = withId(numberInput(16, 1, 256), 'classify-hidden');
    const seed = withId(numberInput(1, 0, 2 ** 31), 'classify-seed');
    const bidirectional = checkbox('classify-bidirectional');
    const bagOfTokens = checkbox('classify-bag');

    // two drop zones: texts (a CSV) on the data part, a model file on the model file part
    const dataZone = h('div', {});
    const modelZone = h('div', {});
    const drop = fileDrop(
      dataZone,
      '.csv,.tsv,text/csv',
      'Or a CSV file (drop it here)',
      async (file) => {
        try {
          const loaded = await client.call<CsvLoaded>('classify-load-csv', {
            text: await file.text(),
            name: file.name,
          });
          const options = loaded.columns.map((c) => h('option', { value: c }, c));
          textColumn.replaceChildren(...options.map((o) => o.cloneNode(true)));
          labelColumn.replaceChildren(...options);
          textColumn.value = loaded.text;
          labelColumn.value = loaded.label;
          source.replaceChildren(
            h('option', { value: 'lines' }, 'the lines above'),
            h('option', { value: 'csv' }, `the CSV file ${loaded.name}`),
          );
          source.value = 'csv';
          csvFields.style.display = '';
          showStatus(status, `${loaded.name}: ${loaded.rows} rows; columns ${loaded.columns.join(', ')}.`);
        } catch (error) {
          showError(status, error);
        }
      },
      'classify-csv-file',
    );
    source.addEventListener('change', () => (csvFields.style.display = source.value === 'csv' ? '' : 'none'));
    const reset = button('Restore the example', () => {
      lines.value = CLASSIFY_EXAMPLE;
      source.value = 'lines';
      csvFields.style.display = 'none';
    });
    reset.classList.add('secondary');

    // results
    const stat = (label: string): { box: HTMLElement; value: HTMLElement } => {
      const value = h('b', {}, '–');
      return { box: h('div', { className: 'stat' }, value, h('span', {}, label)), value };
    };
    const epochStat = stat('epoch');
    const trainStat = stat('training loss');
    const validStat = stat('validation loss');
    client.on<ClassifyEpoch>('classify-epoch', (e) => {
      epochStat.value.textContent = `${e.epoch} / ${epochs.value}`;
      trainStat.value.textContent = e.trainLoss.toFixed(4);
      validStat.value.textContent = e.validLoss.toFixed(4);
    });
    const results = h('div', { id: 'classify-report', style: 'overflow-x: auto' });

    let haveModel = false;
    const saveButton = button(
      'Download the model (classifier.lstm)',
      async () => download(await client.call<Uint8Array>('classify-save'), 'classifier.lstm'),
      fileStatus,
    );
    saveButton.id = 'classify-save';
    saveButton.classList.add('secondary');
    saveButton.disabled = true;

    // predictions as the user types: debounced, and an answer to an older text is dropped
    const tryText = withId(h('textarea', { rows: 2, spellcheck: 'false' }), 'classify-text');
    tryText.value = 'I love the screen, great value';
    const bars = h('div', { className: 'bars', id: 'classify-probabilities', 'aria-live': 'polite' });
    const predictStatus = h('p', { className: 'status', id: 'classify-predict-status', role: 'status' });
    let asked = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const predictNow = async (): Promise<void> => {
      const text = tryText.value;
      const ticket = ++asked;
      if (!haveModel) return showStatus(predictStatus, 'Train a classifier or load a model file first.');
      if (text.trim() === '') {
        bars.replaceChildren();
        return showStatus(predictStatus, 'Type a text.');
      }
      try {
        const p = await client.call<Probabilities>('classify-predict', { text });
        if (ticket !== asked) return;
        probabilityBars(bars, p);
        showStatus(predictStatus, '');
      } catch (error) {
        if (ticket === asked) showError(predictStatus, error);
      }
    };
    tryText.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void predictNow(), 200);
    });
    const modelReady = (): void => {
      haveModel = true;
      saveButton.disabled = false;
      void predictNow();
    };

    const loadDrop = fileDrop(
      modelZone,
      '.lstm',
      'Load a model file (.lstm)',
      async (file) => {
        try {
          const bytes = new Uint8Array(await file.arrayBuffer());
          const m = await client.call<{ classes: string[]; description: string }>('classify-load-model', bytes, [
            bytes.buffer,
          ]);
          showStatus(fileStatus, `Loaded ${file.name}: classes ${m.classes.join(', ')}; ${m.description}.`);
          modelReady();
        } catch (error) {
          showError(fileStatus, error);
        }
      },
      'classify-model-file',
    );

    const trainButton = button(
      'Train',
      async () => {
        showStatus(status, 'Training…');
        const input: ClassifyTrainInput = {
          source:
            source.value === 'csv'
              ? { textColumn: textColumn.value, labelColumn: labelColumn.value }
              : { lines: lines.value },
          tokens: tokens.value as ClassifyTrainInput['tokens'],
          epochs: Number(epochs.value),
          hidden: Number(hidden.value),
          bidirectional: bidirectional.checked,
          bagOfTokens: bagOfTokens.checked,
          seed: Number(seed.value),
        };
        const r = await client.call<ClassifyResult>('classify-train', input);
        results.replaceChildren(h('h3', {}, 'Test results'), resultsTable(r), confusionTable(r));
        const lstm = r.rows[r.rows.length - 1];
        showStatus(
          status,
          `Trained on ${r.name}: ${r.classes.length} classes, vocabulary ${r.vocabulary}; ${r.epochs} epochs in ${r.seconds.toFixed(1)} s ` +
            `(the weights of epoch ${r.bestEpoch} kept). LSTM test accuracy ${((lstm?.accuracy ?? 0) * 100).toFixed(1)} %.`,
        );
        modelReady();
      },
      status,
    );
    trainButton.id = 'classify-train';

    dataZone.append(
      h('h3', {}, 'Data'),
      field('Labelled texts, one per line: label<TAB>text or label,text', lines).row,
      h('div', { className: 'buttons' }, reset),
      drop,
      field('Train on', source).row,
      csvFields,
    );
    modelZone.append(h('h3', {}, 'Model file'), h('div', { className: 'buttons' }, saveButton), loadDrop, fileStatus);
    const panel = h(
      'div',
      { className: 'panel' },
      dataZone,
      h('h3', {}, 'Model'),
      h('div', { className: 'row' }, field('Tokens', tokens).row, field('Epochs (at most)', epochs).row),
      h('div', { className: 'row' }, field('Hidden size', hidden).row, field('Seed', seed).row),
      h(
        'div',
        { className: 'row' },
        field('Bidirectional', bidirectional).row,
        field('Bag of tokens beside the LSTM', bagOfTokens).row,
      ),
      h('div', { className: 'buttons' }, trainButton),
      status,
      modelZone,
    );
    section.append(
      h(
        'p',
        {},
        'Train an LSTM text classifier (embedding 16) on labelled lines; it is scored on every fifth text beside the ' +
          'majority class and a bag-of-words logistic regression. Then type a text to see its class probabilities.',
      ),
      h(
        'div',
        { className: 'columns' },
        panel,
        h(
          'div',
          {},
          h('div', { className: 'stats' }, epochStat.box, trainStat.box, validStat.box),
          results,
          h('h3', {}, 'Try it'),
          field('Text to classify (probabilities update as you type)', tryText).row,
          bars,
          predictStatus,
        ),
      ),
    );
  },
};

/**
 * Translate: sequence to sequence with attention (the library's Seq2Seq). A model comes from a
 * file (`lstm seq2seq train --save`, or this view's download) or is trained here on pasted pairs
 * (translate-train.ts; a built-in task fills them in); then a text is translated by beam search,
 * its n best shown, and the best one's attention drawn as a grid (translate-attention.ts). All the
 * work is the translate worker's (jobs/translate.ts); this page only sends inputs and draws answers.
 */
import { clientFor } from '../clients.ts';
import { button, download, field, fileDrop, h, numberInput, showError, showStatus } from '../dom.ts';
import type { TranslateResult, TranslatorInfo } from '../jobs/translate.ts';
import { renderAttention } from '../translate-attention.ts';
import { EXAMPLE_INPUT } from '../translate-examples.ts';
import { trainPanel } from '../translate-train.ts';
import type { View } from './index.ts';

export const translateView: View = {
  id: 'translate',
  title: 'Translate',
  mount(section) {
    const client = clientFor('translate');
    const modelStatus = h('p', { className: 'status', id: 'translate-model-status', role: 'status' });
    const status = h('p', { className: 'status', id: 'translate-status', role: 'status' });

    // ── translating: the text box, the beam, and what comes back ──
    const text = field(
      'Text to translate',
      h('input', { type: 'text', name: 'text', id: 'translate-text', autocomplete: 'off', spellcheck: 'false' }),
    );
    const beam = field(
      'Beam width (1 = greedy)',
      Object.assign(numberInput(5, 1, 50, 1, 'beam'), { id: 'translate-beam' }),
    );
    const nbest = field(
      'Translations shown',
      Object.assign(numberInput(3, 1, 50, 1, 'nbest'), { id: 'translate-nbest-count' }),
    );
    const translateButton = button('Translate', () => run(), status);
    translateButton.id = 'translate-go';
    translateButton.type = 'submit';
    translateButton.disabled = true;
    const output = h('output', { id: 'translate-output', className: 'stat', 'aria-live': 'polite' });
    const nbestList = h('ol', { id: 'translate-nbest', className: 'samples' });
    const grid = h('div', {
      className: 'attention',
      id: 'translate-attention',
      role: 'table',
      'aria-label': 'Attention: rows are output tokens, columns are source tokens',
    });
    const summary = h('div', { className: 'stats', id: 'translate-model' });

    async function run(): Promise<void> {
      showStatus(status, 'Translating…');
      const r = await client.call<TranslateResult>('translate-run', {
        text: text.control.value,
        beam: Number(beam.control.value),
        nbest: Number(nbest.control.value),
      });
      const best = r.translations[0];
      output.textContent = best?.text ?? '';
      nbestList.replaceChildren(
        ...r.translations.map((t) =>
          h(
            'li',
            {},
            `${t.text}  (log p ${t.logProb.toFixed(3)}, score ${t.score.toFixed(3)}${t.finished ? '' : ', cut off'})`,
          ),
        ),
      );
      if (r.attention === null || best === undefined) grid.replaceChildren('This model has no attention.');
      else renderAttention(grid, r.source, [...best.tokens, '</s>'], r.attention);
      const unknown =
        r.unknown.length === 0
          ? ''
          : ` Not in the model's vocabulary (read as <unk>): ${r.unknown.map((t) => JSON.stringify(t)).join(', ')}.`;
      showStatus(status, `${r.source.length} source tokens → ${best?.tokens.length ?? 0} output tokens.${unknown}`);
    }

    /** A model is ready (trained or loaded): describe it and translate what the box holds. */
    async function ready(info: TranslatorInfo, example?: string): Promise<void> {
      const value = text.control.value;
      if (example !== undefined && (value === '' || Object.values(EXAMPLE_INPUT).includes(value)))
        text.control.value = example;
      summary.replaceChildren(
        ...[
          [info.origin === 'file' ? 'loaded from a file' : 'trained here', 'model'],
          [info.encoder, 'encoder → decoder'],
          [info.attention, 'attention'],
          [`${info.sourceVocab} / ${info.targetVocab}`, 'source / target tokens'],
          [info.parameters.toLocaleString('en'), 'parameters'],
          [info.sourceTokens === 'char' ? 'characters' : 'words', 'source split into'],
        ].map(([value, label]) => h('div', { className: 'stat' }, h('b', {}, value), h('span', {}, label))),
      );
      translateButton.disabled = false;
      saveButton.disabled = false;
      if (text.control.value.trim() !== '') await run().catch((error: unknown) => showError(status, error));
    }

    // ── where the model comes from: training here (translate-train.ts), or a file ──
    const load = async (file: File): Promise<void> => {
      try {
        showStatus(modelStatus, `Reading ${file.name}…`);
        const bytes = new Uint8Array(await file.arrayBuffer());
        const info = await client.call<TranslatorInfo>('translate-load', { bytes }, [bytes.buffer]);
        showStatus(modelStatus, `Loaded ${file.name}.`);
        await ready(info);
      } catch (error) {
        showError(modelStatus, error);
      }
    };
    const dropZone = h('div', { className: 'panel', id: 'translate-file' });
    dropZone.append(
      h('h3', {}, 'Or load a model file'),
      h(
        'p',
        {},
        'A file written by ',
        h('code', {}, 'lstm seq2seq train --save model.lstm'),
        ' (or by this page). Pick it, or drop it here.',
      ),
      fileDrop(dropZone, '.lstm,application/octet-stream', 'Model file (.lstm)', load),
    );
    const saveButton = button(
      'Download the model (translator.lstm)',
      async () => {
        download(await client.call<Uint8Array>('translate-save'), 'translator.lstm');
        showStatus(modelStatus, 'Saved translator.lstm: lstm seq2seq translate --model translator.lstm reads it.');
      },
      modelStatus,
    );
    saveButton.id = 'translate-save';
    saveButton.classList.add('secondary');
    saveButton.disabled = true;

    const form = h(
      'form',
      {
        // Enter in any of its fields "clicks" the submit button (Translate), which does the work
        onsubmit: (e: Event) => e.preventDefault(),
      },
      text.row,
      h('div', { className: 'row' }, beam.row, nbest.row),
      h('div', { className: 'buttons' }, translateButton),
    );

    section.append(
      h(
        'p',
        {},
        'An encoder–decoder LSTM with attention turns one sequence into another. Train a small one on a ',
        'built-in task (seconds), or load a model trained with ',
        h('code', {}, 'lstm seq2seq train'),
        '; then translate, and see where the decoder looked for each output token.',
      ),
      h(
        'div',
        { className: 'columns' },
        h(
          'div',
          {},
          trainPanel(client, modelStatus, ready),
          dropZone,
          h('div', { className: 'buttons' }, saveButton),
          modelStatus,
        ),
        h(
          'div',
          { className: 'panel' },
          h('h3', {}, 'Translate'),
          summary,
          form,
          status,
          h('h3', {}, 'Best translation'),
          output,
          h('h3', {}, 'The n best'),
          nbestList,
          h('h3', { id: 'translate-attention-heading' }, 'Attention of the best translation'),
          h(
            'p',
            { className: 'status' },
            'Rows: its output tokens and </s>; columns: the source. Darker: more attention.',
          ),
          h(
            'div',
            {
              role: 'region',
              tabindex: 0,
              'aria-labelledby': 'translate-attention-heading',
              style: 'overflow-x: auto',
            },
            grid,
          ),
        ),
      ),
    );
  },
};

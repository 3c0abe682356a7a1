/**
 * The JSON schemas of every route's body and query (Fastify validates with them, and the OpenAPI
 * document is made from them). Limits come from the server's options: how long a prompt or a text
 * may be, how many characters a generation may ask for, how many texts one request may carry.
 */
import type { ServeLimits } from './options.js';

const model = { type: 'string', minLength: 1, maxLength: 200, description: 'a name given with --model NAME=FILE' };
const error = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
};
const errors = { 400: error, 401: error, 404: error, 413: error, 429: error, 503: error, 504: error };

export function schemas(limits: ServeLimits) {
  const text = { type: 'string', minLength: 1, maxLength: limits.maxText };
  return {
    generate: {
      summary: 'Generate text with a character language model (the whole text, or server-sent events)',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          model,
          prime: { type: 'string', maxLength: limits.maxPrompt, description: 'text read first' },
          length: { type: 'integer', minimum: 1, maximum: limits.maxLength, default: 200 },
          temperature: { type: 'number', minimum: 0, maximum: 10, default: 0.8 },
          topK: { type: 'integer', minimum: 0, maximum: 100000, default: 0 },
          topP: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1 },
          stop: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 8 },
          seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
          stream: { type: 'boolean', default: false, description: 'send characters as server-sent events' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            model: { type: 'string' },
            text: { type: 'string' },
            tokens: { type: 'integer' },
            finishReason: { type: 'string', enum: ['length', 'stop'] },
          },
        },
        ...errors,
      },
    },
    score: {
      summary: "A text's cross-entropy under a character language model",
      body: { type: 'object', additionalProperties: false, required: ['text'], properties: { model, text } },
      response: {
        200: {
          type: 'object',
          properties: {
            model: { type: 'string' },
            nats: { type: 'number' },
            bitsPerChar: { type: 'number' },
            predictions: { type: 'integer' },
          },
        },
        ...errors,
      },
    },
    classify: {
      summary: 'Class probabilities of one or more texts',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { model, text, texts: { type: 'array', items: text, minItems: 1, maxItems: limits.maxTexts } },
        oneOf: [{ required: ['text'] }, { required: ['texts'] }],
      },
    },
    tag: {
      summary: 'A tag for every token of a text',
      body: { type: 'object', additionalProperties: false, required: ['text'], properties: { model, text } },
    },
    forecast: {
      summary: 'Forecast after the last row of a table (rows as JSON objects, the columns the model was trained on)',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['rows'],
        properties: { model, rows: { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: 100000 } },
      },
    },
    translate: {
      summary: 'Translate a text with a sequence-to-sequence model (beam search, n best)',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['text'],
        properties: {
          model,
          text,
          beam: { type: 'integer', minimum: 1, maximum: 32, default: 1 },
          nbest: { type: 'integer', minimum: 1, maximum: 32, default: 1 },
        },
      },
    },
    transcribe: {
      summary: 'Transcribe a WAV file (the request body, Content-Type audio/wav) with a speech recogniser',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { model, beam: { type: 'integer', minimum: 1, maximum: 32, default: 1 } },
      },
    },
    reload: {
      summary: 'Load the model files again (all, or one); the old models serve until the new ones have loaded',
      body: { type: ['object', 'null'], additionalProperties: false, properties: { model } },
    },
  };
}

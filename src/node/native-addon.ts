/**
 * Loads the optional native kernels (native/build/Release/lstm_native.node, built by `npm ci`) and
 * registers them with the core, or records why they are missing: the build's own reason
 * (native/build/status.json) or the load error. Imported for its effect by the Node entries.
 * LSTM_NATIVE_ADDON=PATH loads another build (tests use a missing path to see the fallback).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type NativeBinding, setNativeAddon } from '../kernels/native.js';

const buildDir = new URL('../../../native/build/', import.meta.url);
const addonPath = process.env.LSTM_NATIVE_ADDON ?? fileURLToPath(new URL('Release/lstm_native.node', buildDir));

function buildReason(): string {
  try {
    const status = JSON.parse(readFileSync(new URL('status.json', buildDir), 'utf8')) as { reason?: string };
    if (typeof status.reason === 'string') return `the native build did not succeed: ${status.reason}`;
  } catch {
    // no status file: the build never ran
  }
  return 'the native addon was not built (npm ci builds it; or run npm run build:native)';
}

function load(): void {
  if (!existsSync(addonPath)) {
    setNativeAddon(undefined, process.env.LSTM_NATIVE_ADDON ? `no addon at ${addonPath}` : buildReason(), 1);
    return;
  }
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeBinding;
    setNativeAddon(addon, '', availableParallelism());
  } catch (e) {
    setNativeAddon(undefined, `the native addon failed to load: ${(e as Error).message}`, 1);
  }
}

load();

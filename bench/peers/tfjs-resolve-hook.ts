/**
 * A module-resolution hook (registered by tfjs-load.ts with node:module's register) that lets Node
 * load the ES-module files of @tensorflow/tfjs-core. They are published for bundlers, with
 * extensionless relative imports ('./gradients/Abs_grad'); this tries '<specifier>.js', then
 * '<specifier>/index.js', for relative imports from inside node_modules/@tensorflow/ only.
 */
import type { ResolveHook } from 'node:module';

export const resolve: ResolveHook = async (specifier, context, next) => {
  const inTfjs = context.parentURL?.includes('/node_modules/@tensorflow/') === true;
  if (!inTfjs || !specifier.startsWith('.') || /\.[cm]?js$/.test(specifier)) return next(specifier, context);
  try {
    return await next(`${specifier}.js`, context);
  } catch {
    return next(`${specifier}/index.js`, context);
  }
};

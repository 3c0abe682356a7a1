/**
 * The ONNX entry, `lstm/onnx`: import (OnnxModel), export (exportOnnx and the model adapters) and
 * ONNX → PyTorch. Separate from the core entry because it depends on protobufjs, a CommonJS
 * package: bundlers and Node take it as it is, while the core stays loadable by a browser's bare
 * `import` with no bundler at all (test/browser).
 */
export { type DirectionWeights, exportOnnx, type OnnxExportLayer, type OnnxExportOptions } from './io/onnx/export.js';
export {
  exportLanguageModelOnnx,
  exportRecurrentOnnx,
  exportSequentialOnnx,
  recurrentExportLayers,
} from './io/onnx/export-sources.js';
export { OnnxModel, type OnnxFeed, type OnnxValueInfo, SUPPORTED_OPS as ONNX_SUPPORTED_OPS } from './io/onnx/model.js';
export { type OnnxTensor } from './io/onnx/tensor.js';
export { type TorchFromOnnx, torchRecurrentFromOnnx } from './io/onnx/to-torch.js';
export { decodeOnnxModel, encodeOnnxModel, type ModelProto } from './io/onnx/proto.js';
export { type OnnxExportSource, verifyOnnxExport, type VerifyOnnxExportOptions } from './io/onnx/verify-export.js';

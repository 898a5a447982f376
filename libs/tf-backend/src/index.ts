export { selectBackend } from './select-backend.js';
export {
  AUTO_ORDER,
  BACKEND_NAMES,
  backendFromEnvironment,
  selectBackendOptionsSchema,
  type BackendAttempt,
  type BackendInfo,
  type BackendName,
  type SelectBackendOptions,
} from './backend-choice.js';
export {
  KTLAB_WASM_BACKEND,
  MAX_WASM_THREADS,
  defaultWasmThreads,
  ktlabWasmRuntime,
  nativeChoiceFromEnvironment,
  registerKtlabWasmBackend,
  type KtlabWasmRuntime,
  type NativeChoice,
} from './wasm/ktlab-wasm-backend.js';
export { formatStepProfile, profileTrainingStep, type KernelTime, type StepProfile } from './bench/profile-step.js';
export {
  WEBGPU_BACKEND,
  registerWebGpuBackend,
  webGpuRuntime,
  type RegisterWebGpuOptions,
  type WebGpuDeviceHandle,
  type WebGpuRuntime,
} from './webgpu/webgpu-backend.js';
export { adapterLabel, isSoftwareAdapter, type GpuAdapterSummary, type GpuLimits } from './webgpu/adapter.js';
export { LAVAPIPE_INSTALL_HINT, lavapipeDirectory, lavapipeEnvironment } from './webgpu/lavapipe.js';
export { cpuHost, describeCpuHost, vectorIsaLabel, type CpuHost, type VectorIsa } from './native/cpu-host.js';
export { loadOpenBlas, OPENBLAS_APT_PACKAGE, type NativeGemm } from './native/openblas.js';
export { loadOneDnn, ONEDNN_APT_PACKAGE, type OneDnn, type OneDnnLayout } from './native/onednn.js';
export {
  activeNativeGemm,
  activeOneDnn,
  useNativeGemm,
  useOneDnnBatchNorm,
  withConvEngine,
  withNativeGemm,
  withOneDnn,
  withRowIndependentKernels,
  type ConvEngineName,
} from './kernels/native-gemm-engine.js';
export { convGeometry, type DirectConvGeometry } from './kernels/direct-conv.js';
export { batchNormTraining, batchNormTrainingApplies, type BatchNormTrainingResult } from './ops/batch-norm-training.js';

export * from './run-config';
export * from './eval-protocols';
export * from './requirements';
export * from './presets';
export * from './stages';
export * from './study-tag';
export * from './dataset-fields';
export * from './config-overrides';

export * from './run-config';
export * from './presets';

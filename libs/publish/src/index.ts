export { createSessionClient, readCredentialsFile, signIn, type PortalSession, type SessionClient, type SignInOptions } from './session-client';
export { readRunFolder, type RunFolder, type StageRecord } from './run-folder';
export { readRunManifest, writeRunManifest, runManifestSchema, RUN_MANIFEST_FILE, type RunManifest } from './run-manifest';
export { configFingerprint, importedStages, importKey, runFolderImport, type ImportedStage, type ImportRunRequest, type RunIdentity } from './import-input';
export { describeError, publishRun, runPageUrl, type PublishedRun } from './publish-run';
export { runFiles, uploadRunFiles, type RunFile } from './upload-run-files';

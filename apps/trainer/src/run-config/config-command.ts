/** Registers `ktlab config <preset> [--quick] [--format yaml|json]`: a preset's (or a file's) full resolved config. */
import { Option, type Command } from 'commander';
import { formatConfigText, type ConfigFormat } from '@ktlab/config/config-text';
import { addConfigSourceOptions, DEFAULT_DATA, DEFAULT_SHARED_DIR, resolveCliConfig, resolveOrExit, type ConfigSourceOptions } from './cli-config';

export function registerConfigCommand(program: Command): void {
  const command = program
    .command('config')
    .description('print a preset\'s full config (every field, defaults filled in) to start a config file from; with --config, check a file and print it resolved')
    .argument('[preset]', 'method, e.g. cc-jigsaw++ (see `ktlab presets`)')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'));
  addConfigSourceOptions(command, false).addHelpText('after', [
    '',
    'Examples:',
    '  npm run ktlab -- config cc-jigsaw++ --quick > run.yaml',
    '  npm run ktlab -- run --config run.yaml --set pretext.epochs=10 --set clustering.k=100',
    '  npm run ktlab -- config --config run.yaml --set clustering.k=100 --format json',
    '',
    `Without --data the preset reads ${DEFAULT_DATA} (the portal's default); paths are kept as typed.`,
  ].join('\n'));
  command.action((preset: string | undefined, options: ConfigSourceOptions & { format: ConfigFormat }) => {
    const resolved = resolveOrExit('config', () =>
      resolveCliConfig({ ...options, preset }, { requireData: false, absolutePaths: false, sharedDir: DEFAULT_SHARED_DIR }),
    );
    process.stdout.write(formatConfigText(resolved.config, options.format));
  });
}

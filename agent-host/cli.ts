/**
 * `hearth-agent-host`: runs Hearth's agent as a team server (gRPC).
 *
 *   hearth-agent-host --config config.yaml         serve (standalone or remote mode)
 *   hearth-agent-host --print-config ...           show the effective config, secrets masked
 *   hearth-agent-host hash-key [--user alice]      make an API key and the hash for the config
 *
 * SIGTERM/SIGINT shut down gracefully (running turns get the grace period,
 * then end with a message asking the user to retry); SIGHUP re-reads the
 * API keys file and the TLS certificate.
 */
import { readFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import { generateApiKey, sha256Hash } from './server/auth/apiKeys';
import { ConfigError, helpText, loadServerConfig, parseArgs } from './server/config/loadServerConfig';
import { maskSecrets } from './server/config/maskSecrets';
import { createLogger } from './server/ops/logger';
import { startTeamServer } from './server/teamServer';

function hashKeyCommand(argv: string[]): number {
  const i = argv.indexOf('--user');
  const user = i >= 0 ? argv[i + 1] : 'alice';
  const key = generateApiKey();
  console.log(`API key for ${user} (give it to them once; it is not stored anywhere):\n\n  ${key}\n`);
  console.log('Add this entry to auth.api_keys in the config (or to the api_keys file):\n');
  console.log(toYaml([{ user, hash: sha256Hash(key) }]));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'hash-key') return hashKeyCommand(argv.slice(1));
  const args = parseArgs(argv);
  if (args.command === 'help') {
    console.log(helpText());
    return 0;
  }
  const { config, warnings } = loadServerConfig({ args, env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  if (args.printConfig) {
    // Checking a config is what --print-config is for, so what would be warned at a start is said here too.
    for (const warning of warnings) process.stderr.write(`# WARNING: ${warning}\n`);
    console.log(toYaml(maskSecrets(config)));
    return 0;
  }
  const logger = createLogger(config.logging.level);
  for (const warning of warnings) {
    // Said twice on purpose: once as a log record, once in plain text for a human at the terminal.
    logger.warn(warning);
    process.stderr.write(`\n*** WARNING: ${warning} ***\n\n`);
  }
  const server = await startTeamServer({ config, logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('signal received', { signal });
      void server.shutdown().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      server.reloadApiKeys();
      server.reloadTls();
    });
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`${err.message}\n\nRun hearth-agent-host --help for the settings.`);
    else console.error(`hearth-agent-host could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

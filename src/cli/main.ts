#!/usr/bin/env node
// @file The `neurite` command: demo, descent, train, eval, predict, resume, generate, with one-line errors and --help everywhere.
// First, before any import reaches src/backend (which compiles the wasm kernels): the engine flags.
import './engine-flags.js';
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { NeuriteError } from '../errors.js';
import { DESCENT_SURFACES, descentCommand, type DescentSurface } from './commands/descent.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand, predictCommand } from './commands/eval.js';
import { EXPORT_FORMATS, exportCommand, type ExportFormat } from './commands/export.js';
import { addGenerateCommand } from './commands/generate.js';
import { importRunCommand } from './commands/import-run.js';
import { resumeCommand } from './commands/resume.js';
import { trainCommand, type Print } from './commands/train.js';
import { TOY_SETS } from './datasets.js';
import { ACTIVATIONS } from './models.js';
import {
  finite,
  fraction,
  nonNegative,
  nonNegativeInt,
  number,
  positive,
  positiveInt,
} from './flag-parsers.js';
import { OPTIMIZERS, SCHEDULERS, VERSION } from './run.js';
import { DEFAULT_SEQ_LEN } from './text-data.js';
import { TEXT_MODEL_HELP } from './text-models.js';
import { DEFAULT_TEXT_CLIP_NORM } from './text-session.js';
import { configFrom, type TrainFlags } from './train-config.js';

/** Builds the command tree; `print` receives every line of normal output. */
export function buildProgram(print: Print): Command {
  const program = new Command('neurite')
    .description('Deep learning in TypeScript, from MIT 6.S191 lecture 1 to Fashion-MNIST.')
    .version(VERSION)
    .option('--debug', 'print the stack trace of an internal error')
    .exitOverride();

  program
    .command('demo')
    .description(
      'the lecture end to end: "Will I pass this class?" with a perceptron and a hidden layer; writes SVG plots',
    )
    .option('--out <dir>', 'where to write decision-boundary.svg and loss.svg', 'neurite-demo')
    .option('--epochs <n>', 'epochs per model', positiveInt('--epochs'), 40)
    .option('--seed <n>', 'random seed', nonNegativeInt('--seed'), 0)
    .option('--quiet', 'no progress bars')
    .action((flags: { out: string; epochs: number; seed: number; quiet?: boolean }) =>
      demoCommand({ out: flags.out, epochs: flags.epochs, seed: flags.seed, verbose: !flags.quiet }, print),
    );

  program
    .command('descent')
    .description(
      'see gradient descent: SGD at three learning rates, momentum, Adam, RMSprop, Adagrad and Adadelta from one start on a loss surface; prints a table, writes loss-surface.svg and learning-rates.svg',
    )
    .addOption(
      new Option('--surface <name>', 'the perceptron on pass-the-class, or a 2-D test function')
        .choices([...DESCENT_SURFACES])
        .default('pass-the-class'),
    )
    .option('--out <dir>', 'folder for loss-surface.svg and learning-rates.svg', 'neurite-descent')
    .option('--steps <n>', 'optimizer steps per run (default 100; 1000 for valley)', positiveInt('--steps'))
    .option(
      '--threshold <loss>',
      'loss level for the "steps to" column (default: 95% of the way down)',
      finite('--threshold'),
    )
    .option(
      '--seed <n>',
      'random seed (data and start weights of pass-the-class)',
      nonNegativeInt('--seed'),
      0,
    )
    .action(
      (flags: { surface: DescentSurface; out: string; steps?: number; threshold?: number; seed: number }) =>
        void descentCommand(
          {
            surface: flags.surface,
            out: flags.out,
            seed: flags.seed,
            ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
            ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
          },
          print,
        ),
    );

  program
    .command('train')
    .description('train a model on a dataset and save the run (model.safetensors, run.json, plots)')
    .argument(
      '<dataset>',
      `${TOY_SETS.join(' | ')} | fashion-mnist | csv:PATH | text:PATH (a UTF-8 file: a character language model)`,
    )
    .option(
      '--model <spec>',
      `'perceptron', 'mlp:256,128' (hidden sizes), 'cnn' (LeNet-style), or layers like 'conv:32x3,pool:2,dense:128'; text: ${TEXT_MODEL_HELP} (default: mlp:64; lstm:128,1 for text)`,
    )
    .addOption(
      new Option('--activation <name>', 'hidden-layer activation').choices([...ACTIVATIONS]).default('relu'),
    )
    .addOption(new Option('--optimizer <name>', 'optimizer').choices([...OPTIMIZERS]).default('adam'))
    .option(
      '--lr <rate>',
      'learning rate (default: 1e-3 for adam/adamw/rmsprop (2e-3 for text), 1e-2 for adagrad, 1 for adadelta, 0.05 for sgd)',
      positive('--lr'),
    )
    .option('--batch-size <n>', 'mini-batch size', positiveInt('--batch-size'), 64)
    .option(
      '--epochs <n>',
      'epochs (text: one epoch is one pass over the training text in windows of --seq-len characters)',
      positiveInt('--epochs'),
      10,
    )
    .option('--dropout <p>', 'dropout after each hidden layer', fraction('--dropout'), 0)
    .option(
      '--weight-decay <λ>',
      'weight decay (L2 for sgd/adam, decoupled for adamw)',
      number('--weight-decay', (v) => v >= 0, 'non-negative'),
      0,
    )
    .option(
      '--val-split <share>',
      'share of the training data held out for validation (default 0.2; 0.1 for fashion-mnist and text, whose last 10% of characters validate)',
      fraction('--val-split'),
    )
    .option(
      '--early-stopping <patience>',
      'stop when the validation loss has not improved for this many epochs',
      nonNegativeInt('--early-stopping'),
    )
    .addOption(
      new Option('--scheduler <name>', 'learning-rate schedule').choices([...SCHEDULERS]).default('none'),
    )
    .option('--seed <n>', 'random seed (data split, weights, shuffles, dropout)', nonNegativeInt('--seed'), 0)
    .option('--out <dir>', 'run directory to write', 'neurite-run')
    .option('--n <count>', 'points to generate (toy sets)', positiveInt('--n'))
    .option(
      '--noise <level>',
      'noise of the generated data (toy sets)',
      number('--noise', (v) => v >= 0, 'non-negative'),
    )
    .option(
      '--data <dir>',
      'directory of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)',
    )
    .option('--target <column>', 'target column (csv; default: the last column)')
    .addOption(
      new Option('--task <task>', 'force classification or regression (csv)').choices([
        'classification',
        'regression',
      ]),
    )
    .option(
      '--limit <n>',
      'use only the first n images of each split (fashion-mnist; for quick runs)',
      positiveInt('--limit'),
    )
    .option(
      '--seq-len <n>',
      `characters per training window (text; default ${DEFAULT_SEQ_LEN})`,
      positiveInt('--seq-len'),
    )
    .option(
      '--clip-norm <max>',
      `clip the gradients' total L2 norm to this before each step (default ${DEFAULT_TEXT_CLIP_NORM} for text, else none; 0: none)`,
      nonNegative('--clip-norm'),
    )
    .option('--quiet', 'no progress bar')
    .action((dataset: string, flags: TrainFlags) =>
      trainCommand(configFrom(dataset, flags), flags.out, print, !flags.quiet),
    );

  program
    .command('eval')
    .description("score a saved run's model on its dataset's splits, or on another dataset")
    .argument('<run-dir>', 'a directory written by neurite train')
    .argument('[dataset]', 'dataset to score on (default: the one it was trained on)')
    .option('--data <dir>', 'directory of the Fashion-MNIST IDX files')
    .action((dir: string, dataset: string | undefined, flags: { data?: string }) =>
      evalCommand(dir, dataset, print, flags.data ? { dataDir: flags.data } : {}),
    );

  program
    .command('predict')
    .description("print a saved model's predictions for new inputs")
    .argument('<run-dir>', 'a directory written by neurite train')
    .option('--input <json>', "rows of raw feature values, e.g. '[[4, 5], [10, 2]]'")
    .option(
      '--csv <path>',
      "a CSV file with a header row holding the run's feature columns by name (other columns are ignored)",
    )
    .action((dir: string, flags: { input?: string; csv?: string }) =>
      predictCommand(dir, print, {
        ...(flags.input !== undefined ? { input: flags.input } : {}),
        ...(flags.csv !== undefined ? { csv: flags.csv } : {}),
      }),
    );

  program
    .command('resume')
    .description('continue a saved run for more epochs with its optimizer, schedule and generator state')
    .argument('<run-dir>', 'a directory written by neurite train')
    .requiredOption('--epochs <n>', 'additional epochs', positiveInt('--epochs'))
    .option('--out <dir>', 'write the continued run here instead of updating run-dir')
    .option('--data <dir>', 'directory of the Fashion-MNIST IDX files')
    .option('--quiet', 'no progress bar')
    .action((dir: string, flags: { epochs: number; out?: string; data?: string; quiet?: boolean }) =>
      resumeCommand(dir, flags.epochs, print, {
        ...(flags.out ? { out: flags.out } : {}),
        verbose: !flags.quiet,
        ...(flags.data ? { dataDir: flags.data } : {}),
      }),
    );
  program
    .command('export')
    .description(
      "write a saved run's model for another engine: ONNX, or PyTorch (model.py, weights, train_ddp.py)",
    )
    .argument('<run-dir>', 'a directory written by neurite train')
    .addOption(
      new Option('--format <format>', 'what to write').choices([...EXPORT_FORMATS]).makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'the .onnx file, or the directory for the PyTorch files')
    .option('--data <dir>', 'directory of the Fashion-MNIST IDX files')
    .action((dir: string, flags: { format: ExportFormat; out: string; data?: string }) =>
      exportCommand(
        dir,
        { format: flags.format, out: flags.out, ...(flags.data ? { dataDir: flags.data } : {}) },
        print,
      ),
    );
  program
    .command('import-run')
    .description('make the output of train_ddp.py (model.safetensors, result.json) a neurite run directory')
    .argument('<dir>', 'the --out directory of train_ddp.py')
    .requiredOption('--out <dir>', 'run directory to write')
    .option('--data <dir>', 'directory of the Fashion-MNIST IDX files')
    .action((dir: string, flags: { out: string; data?: string }) =>
      importRunCommand(dir, flags.out, print, flags.data ? { dataDir: flags.data } : {}),
    );
  program
    .command('playground')
    .description(
      'build and serve the browser playground on localhost, and print its URL (a checkout of the repository)',
    )
    .option('--port <n>', 'port (0 picks a free one)', nonNegativeInt('--port'), 5173)
    .option('--no-build', 'serve the last build')
    .action((flags: { port: number; build: boolean }) => playgroundCommand(flags.port, flags.build));
  addGenerateCommand(program, print);
  return program;
}

/** Runs scripts/playground.mjs of this checkout, which builds web/ with Vite and serves it until interrupted. */
function playgroundCommand(port: number, build: boolean): void {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'playground.mjs');
  if (!existsSync(script)) {
    throw new NeuriteError(
      'playground',
      `cannot find ${script}: the playground runs from a checkout of the neurite repository (npm run playground)`,
    );
  }
  const args = [script, '--port', String(port), ...(build ? [] : ['--no-build'])];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0)
    throw new NeuriteError('playground', `the playground server exited with status ${result.status}`);
}

/** Where to report internal errors. */
const ISSUES = 'https://github.com/neurite/neurite/issues';

/** Node's system errors (ENOENT, EACCES, EISDIR, …): the user's file or directory, not a bug. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e;
}

/** One line: newlines of a message become spaces, and a leading 'neurite: ' is not repeated. */
function oneLine(message: string): string {
  return `neurite: ${message.replace(/\s*\n\s*/g, ' ').replace(/^(neurite: )+/, '')}`;
}

/**
 * The rule for failures, as an exit code: a NeuriteError or a system error on a user's file (ENOENT, EACCES, …)
 * prints one line naming the file, option or value and gives 1; anything else is an internal error: one line
 * with "please report" and 2, followed by the stack trace only when `debug`.
 */
export function reportFailure(e: unknown, error: Print, debug: boolean): 1 | 2 {
  if (e instanceof NeuriteError || isSystemError(e)) {
    error(oneLine(e.message));
    return 1;
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  error(
    oneLine(
      `internal error: ${message.slice(0, 500)} — please report it at ${ISSUES}` +
        (debug ? '' : ' (run with --debug for the stack trace)'),
    ),
  );
  if (debug && e instanceof Error && e.stack) error(e.stack);
  return 2;
}

/**
 * Runs the command line and returns the exit code: 0 on success and for `--help`/`--version`, 1 for a usage
 * error or a failure on the user's input, 2 for an internal error (see reportFailure). Every failure prints one
 * line to stderr.
 */
export async function run(
  argv: readonly string[],
  io: { print?: Print; error?: Print } = {},
): Promise<number> {
  const print = io.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const error = io.error ?? ((line: string) => process.stderr.write(`${line}\n`));
  const program = buildProgram(print);
  const subcommand = program.commands.find((c) => c.name() === argv.find((a) => !a.startsWith('-')));
  const help = `see neurite ${subcommand ? `${subcommand.name()} ` : ''}--help`;
  // Commander shares one output configuration among a program and its subcommands.
  program.configureOutput({
    writeOut: (text) => print(text.trimEnd()),
    writeErr: (text) => error(text.trimEnd()),
    outputError: (text, write) => write(oneLine(`${text.trim().replace(/^error: /, '')} (${help})`)),
  });
  if (argv.length === 0) {
    print(program.helpInformation().trimEnd());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version'
        ? 0
        : 1;
    return reportFailure(e, error, argv.includes('--debug'));
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // `neurite predict … | head` closes the pipe early: stop quietly instead of raising EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

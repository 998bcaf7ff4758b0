// @file The Fashion-MNIST page's network: the command line's `--model cnn` (CNN_SPEC in src/cli/models.ts,
// conv:16x3,bn,pool:2,conv:32x3,bn,pool:2,dense:128,dropout:0.3), written out layer by layer from neurite's
// public nn (a Node test checks it has the CLI model's layers and parameter shapes).
import { nn } from 'neurite';

/** The CLI's cnn hyper-parameters: Adam at 1e-3 on batches of 64 (src/cli/main.ts defaults). */
export const CNN_TRAINING = { lr: 1e-3, batchSize: 64 } as const;

/**
 * [B, 1, 28, 28] → [B, 10] logits: two blocks of 3×3 convolution ('same' padding) → batch norm → ReLU → 2×2 max
 * pool (16 then 32 channels, 28² → 14² → 7²), then flatten → Linear(1568, 128) → ReLU → Dropout(0.3) →
 * Linear(128, 10). 207,018 parameters.
 */
export function fashionCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 'same' }),
    new nn.BatchNorm2d(16),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 'same' }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Linear(128, 10),
  );
}

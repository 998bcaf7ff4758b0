// @file PyTorch's Quickstart (FashionMNIST, an MLP trained with SGD), ported line by line to neurite's public API.
// Run: npx tsx examples/quickstart.ts   (data: apt-get install dataset-fashion-mnist; QUICKSTART_SUBSET=N and
// QUICKSTART_EPOCHS=N shorten it, as the examples test does).
import { Tensor, manualSeed, nn, noGrad, optim } from 'neurite';
import { data, io } from 'neurite/node';

manualSeed(0);
const subset = Number(process.env['QUICKSTART_SUBSET'] ?? Infinity);
const first = <T>(dataset: data.Dataset<T>, n: number): data.Dataset<T> =>
  n < dataset.length
    ? new data.Subset(
        dataset,
        Array.from({ length: n }, (_, i) => i),
      )
    : dataset;

// Download training data from open datasets. (neurite never downloads: root holds the four IDX files.)
const trainingData = first(
  new data.datasets.FashionMNIST({
    root: data.datasets.FASHION_MNIST_DIR,
    train: true,
    transform: data.transforms.toTensor(),
  }),
  subset,
);
// Download test data from open datasets.
const testData = first(
  new data.datasets.FashionMNIST({
    root: data.datasets.FASHION_MNIST_DIR,
    train: false,
    transform: data.transforms.toTensor(),
  }),
  Math.ceil(subset / 6),
);

const batchSize = 64;
// Create data loaders.
const trainDataloader = new data.DataLoader(trainingData, { batchSize });
const testDataloader = new data.DataLoader(testData, { batchSize });
for (const [X, y] of testDataloader) {
  console.log(`Shape of X [N, C, H, W]: [${X.shape.join(', ')}]`);
  console.log(`Shape of y: [${y.shape.join(', ')}] ${y.dtype}`);
  break;
}

// Define model
class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linearReluStack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
  );

  forward(x: Tensor): Tensor {
    x = this.flatten.forward(x);
    const logits = this.linearReluStack.forward(x);
    return logits;
  }
}

let model = new NeuralNetwork();
console.log(model.toString());

const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 1e-3 });

function train(
  dataloader: data.DataLoader<[Tensor, Tensor]>,
  model: nn.Module,
  lossFn: nn.CrossEntropyLoss,
  optimizer: optim.SGD,
): void {
  const size = dataloader.dataset.length;
  model.train();
  let batch = 0;
  for (const [X, y] of dataloader) {
    // Compute prediction error
    const pred = model.forward(X);
    const loss = lossFn.forward(pred, y);

    // Backpropagation
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();

    if (batch % 100 === 0) {
      const current = (batch + 1) * X.shape[0]!;
      console.log(
        `loss: ${loss.item().toFixed(6).padStart(7)}  [${String(current).padStart(5)}/${String(size).padStart(5)}]`,
      );
    }
    batch++;
  }
}

function test(
  dataloader: data.DataLoader<[Tensor, Tensor]>,
  model: nn.Module,
  lossFn: nn.CrossEntropyLoss,
): void {
  const size = dataloader.dataset.length;
  const numBatches = dataloader.length;
  model.eval();
  let testLoss = 0;
  let correct = 0;
  noGrad(() => {
    for (const [X, y] of dataloader) {
      const pred = model.forward(X);
      testLoss += lossFn.forward(pred, y).item();
      correct += pred.argmax(1).eq(y).float().sum().item();
    }
  });
  testLoss /= numBatches;
  correct /= size;
  console.log(
    `Test Error: \n Accuracy: ${(100 * correct).toFixed(1)}%, Avg loss: ${testLoss.toFixed(6).padStart(8)} \n`,
  );
}

const epochs = Number(process.env['QUICKSTART_EPOCHS'] ?? 5);
for (let t = 0; t < epochs; t++) {
  console.log(`Epoch ${t + 1}\n-------------------------------`);
  train(trainDataloader, model, lossFn, optimizer);
  test(testDataloader, model, lossFn);
}
console.log('Done!');

io.save(model.stateDict(), 'model.safetensors');
console.log('Saved Model State to model.safetensors');

model = new NeuralNetwork();
model.loadStateDict(io.load('model.safetensors').tensors);

const classes = data.datasets.FashionMNIST.classes;

model.eval();
const [x, y] = testData.get(0);
noGrad(() => {
  const pred = model.forward(x);
  const [predicted, actual] = [classes[pred.select(0, 0).argmax(0).item()], classes[y.item()]];
  console.log(`Predicted: "${predicted}", Actual: "${actual}"`);
});

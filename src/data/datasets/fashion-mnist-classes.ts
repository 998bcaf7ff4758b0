// @file Fashion-MNIST's class names, index by index (browser-safe: a page can label predictions without the files).

/** The 10 classes of Fashion-MNIST in label order (torchvision's `FashionMNIST.classes`). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

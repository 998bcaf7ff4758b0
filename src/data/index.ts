// @file (placeholder: being written)
export {};

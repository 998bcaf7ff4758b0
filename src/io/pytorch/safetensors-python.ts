// @file Python source of load_safetensors/save_safetensors for the generated scripts: the `safetensors` package when present, else a reader and writer of ~40 lines needing only torch.

/**
 * Python functions `load_safetensors(path) -> dict[str, Tensor]` and `save_safetensors(tensors, path,
 * metadata=None)`. The format (REFERENCE §5): an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}` padded with spaces to a multiple of
 * 8, then the raw little-endian bytes. The reader checks every offset against the file size.
 */
export const SAFETENSORS_PYTHON = `_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


def load_safetensors(path):
    """Reads a safetensors file into a dict of CPU tensors (the safetensors package when installed)."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        pass
    else:
        return load_file(path)
    import json
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes is too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: the header claims {n} bytes but the file has {len(data) - 8} after its length")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry['dtype']}, which this reader does not know")
        begin, end = entry["data_offsets"]
        shape = [int(d) for d in entry["shape"]]
        count = 1
        for d in shape:
            count *= d
        size = torch.empty((), dtype=dtype).element_size()
        if not 0 <= begin <= end <= len(body) or end - begin != count * size:
            raise ValueError(f"{path}: tensor '{name}' has data_offsets [{begin}, {end}] that do not fit its shape {shape} or the file")
        raw = bytearray(body[begin:end])
        flat = torch.frombuffer(raw, dtype=dtype) if count > 0 else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(shape).clone()
    return tensors


def save_safetensors(tensors, path, metadata=None):
    """Writes a dict of tensors as a safetensors file (keys sorted, as the safetensors package writes them)."""
    import json
    import struct
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu").contiguous()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
`;

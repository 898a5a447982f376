/**
 * The Python that runs the benchmarks' peers: Debian's (/usr/bin/python3, with python3-torch, -faiss, -numpy,
 * -skimage from apt) unless KTLAB_PEER_PYTHON names another — e.g. on a GPU host whose PyTorch with CUDA lives
 * in a different Python.
 */
export const PEER_PYTHON = process.env.KTLAB_PEER_PYTHON || '/usr/bin/python3';

"""PyTorch reference for bench/bench.ts: the same GPT and the same full training step.

Pre-LN GPT-2 without position embeddings, GPT-NeoX rotary on the first 1/4 of each head's dims
(base 10,000), GELU (tanh form) MLP of width 4d, biases, tied input/output embedding, AdamW
(betas 0.9/0.98, eps 1e-6, weight decay 0.1 on rank >= 2) with global-norm clipping at 1.0.
One step = forward + backward + clip + update on random tokens, fp32, CPU.

Run with Debian's Python (/usr/bin/python3 with python3-torch). Set the thread count through the
environment before start (OMP_NUM_THREADS and OPENBLAS_NUM_THREADS): Debian's torch uses the
system libblas.so.3, and torch.set_num_threads does not reach OpenBLAS. bench.ts does this and
points LD_LIBRARY_PATH at OpenBLAS when it finds it.

Prints one JSON line per model. The model sizes come from bench.ts (--models), which reads
lib/model/shapes.ts: they are stated once.
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn.functional as F



def rotary_tables(seq, head_dim, pct=0.25, base=10000.0):
    rd = int(head_dim * pct)
    inv = 1.0 / (base ** (torch.arange(0, rd, 2).float() / rd))
    ang = torch.outer(torch.arange(seq).float(), inv)
    ang = torch.cat([ang, ang], dim=-1)  # [T, rd]
    return ang.cos(), ang.sin(), rd


def apply_rotary(x, cos, sin, rd):
    # x: [B, H, T, hd]; rotate-half on the first rd dims (GPT-NeoX)
    xr, xp = x[..., :rd], x[..., rd:]
    h = rd // 2
    rot = torch.cat([-xr[..., h:], xr[..., :h]], dim=-1)
    return torch.cat([xr * cos + rot * sin, xp], dim=-1)


class Block(torch.nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        self.n_head = n_head
        self.ln1 = torch.nn.LayerNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.fc = torch.nn.Linear(d, 4 * d)
        self.fc2 = torch.nn.Linear(4 * d, d)

    def forward(self, x, rope, mask):
        B, T, d = x.shape
        H, hd = self.n_head, d // self.n_head
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (t.view(B, T, H, hd).transpose(1, 2) for t in (q, k, v))
        q, k = apply_rotary(q, *rope), apply_rotary(k, *rope)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(torch.nn.Module):
    def __init__(self, vocab, n_layer, n_head, d, seq):
        super().__init__()
        self.wte = torch.nn.Embedding(vocab, d)
        self.blocks = torch.nn.ModuleList(Block(d, n_head) for _ in range(n_layer))
        self.lnf = torch.nn.LayerNorm(d)
        cos, sin, rd = rotary_tables(seq, d // n_head)
        self.rope = (cos, sin, rd)
        self.register_buffer("mask", torch.full((seq, seq), -1e9).triu(1))
        for p in self.parameters():
            if p.dim() >= 2:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        x = self.wte(ids)
        for b in self.blocks:
            x = b(x, self.rope, self.mask)
        return self.lnf(x) @ self.wte.weight.t()  # tied head


def blas_in_use():
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        return "unknown"
    for lib in sorted(libs):
        name = os.path.basename(lib)
        if "openblas" in name or "mkl" in name or "blis" in name:
            return lib
    for lib in sorted(libs):
        if "libblas" in os.path.basename(lib):
            return os.path.realpath(lib)
    return "none found"


def bench(name, cfg, threads, batch, seq, warmup, steps):
    torch.manual_seed(0)
    model = GPT(cfg["vocab"], cfg["n_layer"], cfg["n_head"], cfg["d"], seq)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-4, betas=(0.9, 0.98), eps=1e-6,
    )
    ids = torch.randint(0, cfg["vocab"], (batch, seq))
    tgt = torch.randint(0, cfg["vocab"], (batch, seq))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids).view(-1, cfg["vocab"]), tgt.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    ms = (time.perf_counter() - t0) / steps * 1000
    params = sum(p.numel() for p in model.parameters())
    flops = 6 * params * batch * seq + 12 * cfg["n_layer"] * batch * seq * seq * cfg["d"]
    return {
        "config": name, "backend": "pytorch", "threads": threads, "blas": blas_in_use(),
        "torch": torch.__version__, "params": params, "batch": batch, "seq": seq,
        "tokensPerSec": round(batch * seq / (ms / 1000)), "msPerStep": round(ms),
        "gflops": round(flops / 1e9 / (ms / 1000), 2),
        "rssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "loss": round(loss, 4),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--models", required=True,
        help='JSON {name: {"vocab", "n_layer", "n_head", "d"}} (bench.ts passes its model sizes)',
    )
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name, cfg in json.loads(a.models).items():
        print(json.dumps(bench(name, cfg, a.threads, a.batch, a.seq, a.warmup, a.steps)), flush=True)


if __name__ == "__main__":
    main()

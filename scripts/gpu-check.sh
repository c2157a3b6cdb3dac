#!/bin/sh
# Publishes the GPU check (Bench/GpuCheck) self-contained for linux-x64 as one compressed file, for a machine
# with an NVIDIA GPU and no .NET SDK, then says how to run it there. The check compares every CUDA kernel
# with C# on the host, then times vector_add and fused_expr over 100 million doubles (GB/s against the
# device's bandwidth), mandelbrot 4000x4000 and mc_pi, and numba.cuda's same workloads when python3 has numba.
set -eu
cd "$(dirname "$0")/.."
out=out/gpu-check
dotnet publish Bench/GpuCheck/JitDsl.GpuCheck.csproj -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -o "$out" >/dev/null
ls -l "$out/JitDsl.GpuCheck"
echo "on the GPU machine (a few minutes at most; --quick for small sizes): $out/JitDsl.GpuCheck"

#!/usr/bin/env bash
# The packages as a stranger gets them:
#  1. pack every package (libraries, the runtime meta-package, the tool per platform) into a
#     temporary folder and check each against nuget.org's 250 MB limit;
#  2. build a new console app outside the solution that references NeuralStyle.Runtime.Cpu from that
#     folder, run it on two images, and check the output file;
#  3. publish the same app for win-x64 and osx-arm64 and check, by listing the folders, that the
#     natives each platform loads are there and nothing of another platform;
#  4. install the linux-x64 tool from the folder with `dotnet tool install --tool-path` and run it
#     on a real image;
#  5. build an app that references NeuralStyle.FastStyles alone, apply a shipped trained style with it,
#     and publish it for linux-x64, win-x64 and osx-arm64: ONNX Runtime's native library for that
#     platform and nothing of libtorch, in tens of MB.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"

if [ -z "${NEURALSTYLE_VGG19_WEIGHTS:-}" ] || [ -z "${NEURALSTYLE_TEST_IMAGES:-}" ]; then
  echo "consumer: skipped (NEURALSTYLE_VGG19_WEIGHTS and NEURALSTYLE_TEST_IMAGES are needed)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="0.0.0-consumer.$(date +%s)"
packages="$work/packages"

for project in NeuralStyle.Imaging NeuralStyle.Core NeuralStyle.FastStyles NeuralStyle.Video NeuralStyle.Runtime.Cpu NeuralStyle.Extensions.DependencyInjection NeuralStyle.Cli; do
  dotnet pack "$repo/src/$project" -c Release -o "$packages" -p:Version="$version" --nologo -v q
done

# 1. Sizes: nuget.org refuses packages over 250 MB (symbol packages included).
limit=$((250 * 1000 * 1000))
too_big=0
for package in "$packages"/*.nupkg "$packages"/*.snupkg; do
  [ -e "$package" ] || continue
  size=$(stat -c %s "$package")
  echo "consumer: $(basename "$package") $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1000000 }')"
  if [ "$size" -ge "$limit" ]; then too_big=1; fi
done
for rid in linux-x64 win-x64 osx-arm64; do
  [ -e "$packages/NeuralStyle.Cli.$rid.$version.nupkg" ] || { echo "consumer: no tool package for $rid"; exit 1; }
done
[ "$too_big" -eq 0 ] || { echo "consumer: a package is over nuget.org's 250 MB limit"; exit 1; }

mkdir "$work/app"
cp "$repo/tests/Consumer/Consumer.csproj" "$repo/tests/Consumer/Program.cs" "$work/app/"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="NeuralStyle.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

# 2. Build and run on this machine.
cd "$work/app"
dotnet build -c Release -p:NeuralStyleVersion="$version" --nologo -v q
dotnet bin/Release/net10.0/Consumer.dll \
  "$NEURALSTYLE_TEST_IMAGES/tubingen.jpg" "$NEURALSTYLE_TEST_IMAGES/starry_night.jpg" "$work/out.png" "$NEURALSTYLE_VGG19_WEIGHTS" 2> >(grep -v NNPACK >&2)

# 3. The publish layout for the platforms this machine cannot run.
check_layout() {
  local rid="$1" folder="$work/publish-$1"; shift
  dotnet publish -c Release -r "$rid" --self-contained false -p:NeuralStyleVersion="$version" -o "$folder" --nologo -v q
  local missing=0
  for wanted in "$@"; do
    case "$wanted" in
      !*) if compgen -G "$folder/${wanted#!}" >/dev/null; then echo "consumer: $rid publish has ${wanted#!}, which belongs to another platform"; missing=1; fi ;;
      *) if [ ! -e "$folder/$wanted" ]; then echo "consumer: $rid publish lacks $wanted"; missing=1; fi ;;
    esac
  done
  [ "$missing" -eq 0 ] || exit 1
  echo "consumer: $rid publish has $(ls "$folder" | wc -l) files, the natives it loads and none of another platform"
}
check_layout win-x64 LibTorchSharp.dll torch_cpu.dll c10.dll libSkiaSharp.dll '!*.so' '!*.so.*' '!*.dylib'
check_layout osx-arm64 libLibTorchSharp.dylib libtorch_cpu.dylib libc10.dylib libSkiaSharp.dylib '!*.so' '!*.so.*' '!*.dll.pdb' '!torch_cpu.dll' '!libSkiaSharp.dll'

# 4. The tool, installed as a user installs it, from the local folder only.
cat > "$work/tool-nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
  </packageSources>
</configuration>
XML
dotnet tool install NeuralStyle.Cli --version "$version" --tool-path "$work/tools" --configfile "$work/tool-nuget.config"
"$work/tools/neural-style" "$NEURALSTYLE_TEST_IMAGES/tubingen.jpg" "$NEURALSTYLE_TEST_IMAGES/starry_night.jpg" \
  -o "$work/tool-out.png" --size 64 --iterations 3 --weights "$NEURALSTYLE_VGG19_WEIGHTS" --quiet 2> >(grep -v NNPACK >&2)
head -c 8 "$work/tool-out.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "consumer: the tool's output is not a PNG"; exit 1; }
echo "consumer: the linux-x64 tool installed from the local folder and wrote $(stat -c %s "$work/tool-out.png") bytes of PNG"

# 5. Applying trained styles needs ONNX Runtime only.
mkdir "$work/apply-only"
cp "$repo/tests/Consumer/ApplyOnly/ApplyOnly.csproj" "$repo/tests/Consumer/ApplyOnly/Program.cs" "$work/app/nuget.config" "$work/apply-only/"
cd "$work/apply-only"
dotnet build -c Release -p:NeuralStyleVersion="$version" --nologo -v q
dotnet bin/Release/net10.0/ApplyOnly.dll "$repo/styles/starry-night.onnx" "$NEURALSTYLE_TEST_IMAGES/tubingen.jpg" "$work/apply-out.png"
for target in linux-x64:libonnxruntime.so win-x64:onnxruntime.dll osx-arm64:libonnxruntime.dylib; do
  rid=${target%%:*} native=${target#*:} folder="$work/apply-only-$rid"
  dotnet publish -c Release -r "$rid" --self-contained false -p:NeuralStyleVersion="$version" -o "$folder" --nologo -v q
  [ -e "$folder/$native" ] || { echo "consumer: the apply-only $rid publish lacks $native"; exit 1; }
  if ls "$folder" | grep -qi torch; then echo "consumer: the apply-only $rid publish has libtorch: $(ls "$folder" | grep -i torch | head -3 | tr '\n' ' ')"; exit 1; fi
  # What the app loads; debugging files that upstream packages bring along (SkiaSharp's 84 MB
  # libSkiaSharp.pdb and ONNX Runtime's onnxruntime_providers_azure.lib on Windows) are counted apart.
  bytes=$(find "$folder" -type f ! -name '*.pdb' ! -name '*.lib' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  extra=$(find "$folder" -type f \( -name '*.pdb' -o -name '*.lib' \) -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  [ "$bytes" -lt 100000000 ] || { echo "consumer: the apply-only $rid publish is $((bytes / 1000000)) MB"; exit 1; }
  echo "consumer: apply-only $rid publish: $((bytes / 1000000)) MB with $native and no libtorch (plus $((extra / 1000000)) MB of .pdb and .lib files)"
done

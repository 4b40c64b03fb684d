#!/usr/bin/env bash
# The consumer test: pack the libraries into a temporary folder, build a new console app outside the
# solution that references NeuralStyle.Core from that folder only (plus the CPU native package),
# run it on two images, and check the output file. Proves the packages work for someone who is not us.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"

if [ -z "${NEURALSTYLE_VGG19_WEIGHTS:-}" ] || [ -z "${NEURALSTYLE_TEST_IMAGES:-}" ]; then
  echo "consumer: skipped (NEURALSTYLE_VGG19_WEIGHTS and NEURALSTYLE_TEST_IMAGES are needed)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="0.0.0-consumer.$(date +%s)"

dotnet pack "$repo/src/NeuralStyle.Imaging" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q
dotnet pack "$repo/src/NeuralStyle.Core" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q

mkdir "$work/app"
cp "$repo/tests/Consumer/Consumer.csproj" "$repo/tests/Consumer/Program.cs" "$work/app/"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="NeuralStyle.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

cd "$work/app"
dotnet build -c Release -p:NeuralStyleVersion="$version" --nologo -v q
dotnet bin/Release/net10.0/Consumer.dll \
  "$NEURALSTYLE_TEST_IMAGES/tubingen.jpg" "$NEURALSTYLE_TEST_IMAGES/starry_night.jpg" "$work/out.png" "$NEURALSTYLE_VGG19_WEIGHTS" 2> >(grep -v NNPACK >&2)

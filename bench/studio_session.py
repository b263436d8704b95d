"""One signed-in session of `flash studio` for the studio benchmarks (studio_pages*.py): starts
`flash studio --port 0 --no-browser --json` in `cwd` with DATABASE_URL=`url`, reads the one JSON
object it prints (maybe over several lines) for the URL with its token, and signs in the way a
browser does (the token URL sets the session cookie). Returns (process, origin, opener); the caller
terminates the process."""
import http.cookiejar, json, os, subprocess, sys, urllib.request


def start_studio(flash, cwd, url):
    p = subprocess.Popen([os.path.abspath(flash), "studio", "--port", "0", "--no-browser", "--json"], cwd=cwd,
                         stdout=subprocess.PIPE, text=True, env={**os.environ, "DATABASE_URL": url, "DISPLAY": ""})
    text = ""
    while True:
        line = p.stdout.readline()
        if not line:
            p.terminate()
            sys.exit("flash studio ended before it listened")
        text += line
        try:
            studio = json.loads(text)["url"]
            break
        except json.JSONDecodeError:
            continue
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(studio).read()
    return p, studio.split("/?")[0], opener

#!/usr/bin/env python3
"""Count, in an estate's four CSV files, what a rule engine should find.

    python3 examples/estate/check_sample.py [DIR]           print EXPECTED.md to stdout
    python3 examples/estate/check_sample.py [DIR] --write   write DIR/EXPECTED.md
    python3 examples/estate/check_sample.py [DIR] --check   exit 1 if DIR/EXPECTED.md differs

DIR defaults to the committed sample (examples/estate/sample). This check reads
only the CSV files, by header name, and shares no code with generate.py, so it
is an independent second opinion on the sample. Python 3.11, standard library.

Readings used (all from the CMG article, cmg-supported-configurations.txt):
  * site codes are compared ignoring case (HQ1 and hq1 are one site);
  * a client talks through a CMG when the host part of management_point (before
    the first "/") equals, ignoring case, a service_cname in cmgs.csv;
  * IPv6-only: has_ipv6 true and has_ipv4 false (line 12);
  * macOS: client_edition 5 (line 58);
  * a site's software update point is behind a network load balancer when a
    "SMS Software Update Point" row of that site has a non-empty nlb_address
    (line 14);
  * classic: fqdn ends with ".cloudapp.net"; a site is at 2203 or later when
    the build (third part of its version) maps to a release >= 2203 (line 16);
    a site on two rows whose versions disagree on the release has none;
  * CMG names (line 18), two readings: strict (letters and digits only) and
    hyphen-tolerant (letters, digits and hyphens, no "--"); both need 3-24
    characters, a letter first and a letter or digit last.
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Build number (third part of v_Site.Version) -> release YYMM.
RELEASES = {9058: 2107, 9068: 2111, 9078: 2203, 9088: 2207, 9096: 2211,
            9106: 2303, 9122: 2309, 9128: 2403, 9132: 2409}

LETTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
DIGITS = set("0123456789")


def read(directory, name):
    with open(os.path.join(directory, name), newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def release(version):
    parts = version.split(".")
    if len(parts) < 3 or not parts[2].isdigit():
        return None
    return RELEASES.get(int(parts[2]))


def name_violations(name, reading):
    out = []
    if not 3 <= len(name) <= 24:
        out.append("length_not_3_to_24")
    if not name or name[0] not in LETTERS:
        out.append("must_begin_with_letter")
    if not name or name[-1] not in LETTERS | DIGITS:
        out.append("must_end_with_letter_or_digit")
    if "--" in name:
        out.append("consecutive_hyphens")
    if reading == "strict" and any(c not in LETTERS | DIGITS for c in name):
        out.append("not_alphanumeric")
    if reading == "hyphen_tolerant" and any(c not in LETTERS | DIGITS | {"-"} for c in name):
        out.append("not_alphanumeric_or_hyphen")
    return out


def verdict(strict_ok, tolerant_ok):
    if strict_ok and tolerant_ok:
        return "valid"
    if not strict_ok and not tolerant_ok:
        return "invalid"
    return "ambiguous"


def report(directory):
    clients = read(directory, "clients.csv")
    systems = read(directory, "site_systems.csv")
    cmgs = read(directory, "cmgs.csv")
    sites = read(directory, "sites.csv")

    site_version = {s["site_code"].upper(): s["version"] for s in sites}
    # A site on two rows (its code in two cases) whose versions give two releases, or a
    # release and none, has no known release.
    site_releases = {}
    for s in sites:
        site_releases.setdefault(s["site_code"].upper(), set()).add(release(s["version"]))

    def site_release(code):
        rels = site_releases.get(code.upper(), {None})
        return next(iter(rels)) if len(rels) == 1 else None
    cmg_by_cname = {c["service_cname"].lower(): c for c in cmgs}

    def cmg_of(client):
        mp = client["management_point"]
        if "/" not in mp:
            return None
        return cmg_by_cname.get(mp.split("/", 1)[0].lower())

    nlb_sites = sorted({s["site_code"].upper() for s in systems
                        if s["role"] == "SMS Software Update Point" and s["nlb_address"]})

    classic_late = []
    for c in cmgs:
        rel = site_release(c["site_code"])
        if c["fqdn"].lower().endswith(".cloudapp.net") and rel is not None and rel >= 2203:
            classic_late.append((c, rel))
    classic_cnames = {c["service_cname"].lower() for c, _ in classic_late}

    categories = [
        ("IPv6-only clients (has_ipv6 true, has_ipv4 false)",
         lambda r: r["has_ipv6"] == "true" and r["has_ipv4"] == "false"),
        ("macOS clients (client_edition 5)",
         lambda r: r["client_edition"] == "5"),
        ("Internet clients through a CMG (on_internet true, management_point is a CMG)",
         lambda r: r["on_internet"] == "true" and cmg_of(r) is not None),
        ("All clients through a CMG (either value of on_internet)",
         lambda r: cmg_of(r) is not None),
        ("Intranet clients through a CMG (on_internet false)",
         lambda r: r["on_internet"] == "false" and cmg_of(r) is not None),
        ("IPv6-only clients through a CMG",
         lambda r: r["has_ipv6"] == "true" and r["has_ipv4"] == "false" and cmg_of(r) is not None),
        ("Clients whose site's software update point is behind an NLB",
         lambda r: r["site_code"].upper() in nlb_sites),
        ("Clients through a CMG whose site's software update point is behind an NLB",
         lambda r: r["site_code"].upper() in nlb_sites and cmg_of(r) is not None),
        ("Clients through the classic CMG on a 2203+ site",
         lambda r: cmg_of(r) is not None and r["management_point"].split("/", 1)[0].lower() in classic_cnames),
        ("Clients with on_internet unknown (empty)",
         lambda r: r["on_internet"] == ""),
        ("Clients with IP flags unknown (has_ipv4 and has_ipv6 empty)",
         lambda r: r["has_ipv4"] == "" and r["has_ipv6"] == ""),
        ("Clients with operating system unknown (os_caption empty)",
         lambda r: r["os_caption"] == ""),
    ]

    out = []
    say = out.append
    say("# Expected findings for this estate")
    say("")
    say("Computed by `check_sample.py` from the four CSV files alone (it shares no code")
    say("with `generate.py`). Regenerate with `python3 examples/estate/check_sample.py --write`.")
    say("Example names are the first three matching rows in file order.")
    say("")
    say(f"Clients: {len(clients)}. Sites: {len(sites)}. Site systems: {len(systems)}. CMGs: {len(cmgs)}.")
    say("")
    say("## Client counts")
    say("")
    say("| Category | Count | Example clients |")
    say("| --- | ---: | --- |")
    for title, test in categories:
        hits = [r["name"] for r in clients if test(r)]
        examples = ", ".join(f"`{n}`" for n in hits[:3]) or "none"
        say(f"| {title} | {len(hits)} | {examples} |")
    say("")
    say("## Sites")
    say("")
    say("| Site | Version | Release | Before 2203 | SUP behind NLB | Clients |")
    say("| --- | --- | --- | --- | --- | ---: |")
    for s in sites:
        rel = release(s["version"])
        n = sum(1 for r in clients if r["site_code"].upper() == s["site_code"].upper())
        before = "unknown" if rel is None else ("yes" if rel < 2203 else "no")
        nlb = "yes" if s["site_code"].upper() in nlb_sites else "no"
        say(f"| {s['site_code']} | {s['version']} | {rel or 'unknown'} | {before} | {nlb} | {n} |")
    say("")
    say("## Classic CMG on a site at 2203 or later")
    say("")
    if classic_late:
        for c, rel in classic_late:
            say(f"- `{c['name']}` (fqdn `{c['fqdn']}`, service `{c['service_cname']}`) on site "
                f"{c['site_code']}, version {site_version[c['site_code'].upper()]} = release {rel}.")
    else:
        say("- none")
    classic_all = [c["name"] for c in cmgs if c["fqdn"].lower().endswith(".cloudapp.net")]
    say(f"- Classic CMGs in total: {len(classic_all)} ({', '.join(f'`{n}`' for n in classic_all) or 'none'}).")
    say("")
    say("## CMG names")
    say("")
    say("| CMG | Site | Strict | Hyphen-tolerant | Verdict | Reasons (strict; hyphen-tolerant) |")
    say("| --- | --- | --- | --- | --- | --- |")
    for c in cmgs:
        strict = name_violations(c["name"], "strict")
        tolerant = name_violations(c["name"], "hyphen_tolerant")
        v = verdict(not strict, not tolerant)
        reasons = f"{', '.join(strict) or '-'}; {', '.join(tolerant) or '-'}"
        say(f"| `{c['name']}` | {c['site_code']} | {'invalid' if strict else 'valid'} | "
            f"{'invalid' if tolerant else 'valid'} | {v} | {reasons} |")
    say("")
    say("## Consistency")
    say("")
    mismatched = sorted({r["name"] for r in clients
                         if cmg_of(r) is not None
                         and cmg_of(r)["site_code"].upper() != r["site_code"].upper()})
    say(f"- Clients through a CMG of another site than their own: {len(mismatched)}"
        " (so a CMG's site can be read from cmgs.csv or from its clients alike).")
    unknown_sites = sorted({r["site_code"].upper() for r in clients
                            if r["site_code"].upper() not in site_version})
    say(f"- Client site codes missing from sites.csv: {len(unknown_sites)}.")
    ids = [r["resource_id"] for r in clients]
    names = [r["name"] for r in clients]
    say(f"- Duplicate resource_id values: {len(ids) - len(set(ids))}; duplicate names: {len(names) - len(set(names))}.")
    return "\n".join(out) + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = {a for a in argv if a.startswith("--")}
    unknown = flags - {"--write", "--check"}
    if unknown or len(args) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    directory = args[0] if args else os.path.join(HERE, "sample")
    text = report(directory)
    target = os.path.join(directory, "EXPECTED.md")
    if "--write" in flags:
        with open(target, "w", newline="\n", encoding="utf-8") as f:
            f.write(text)
    elif "--check" in flags:
        with open(target, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{target} is out of date: run check_sample.py --write", file=sys.stderr)
                return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

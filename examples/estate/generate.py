#!/usr/bin/env python3
"""Generate a realistic, synthetic Configuration Manager estate as four CSV files.

    python3 examples/estate/generate.py --clients N --seed S --out DIR

writes DIR/clients.csv, DIR/site_systems.csv, DIR/cmgs.csv and DIR/sites.csv in
the formats described in examples/estate/README.md. The output is byte-identical
for the same N and S (Python 3.11, standard library only). Rows are streamed, so
memory stays flat whatever N is.

The infrastructure is fixed; only the clients depend on N and S.

Sites (sites.csv; v_Site.Version, release in brackets)
    HQ1  5.00.9128.1000 (2403)   38 % of clients
    EU1  5.00.9122.1000 (2309)   27 %
    US1  5.00.9078.1000 (2203)   18 %   exactly at the classic-CMG cut-off
    APC  5.00.9068.1000 (2111)   14 %   the one site before 2203
    LAB  5.00.9132.1000 (2409)    3 %
  The versions differ across sites, which within one hierarchy happens only
  while an upgrade is under way; read the file as several standalone sites'
  exports put together.

Cloud management gateways (cmgs.csv), one per site; its last column, site_code,
names the CMG's site, and each CMG serves only its own site's clients
    HQ1  cmgprod    virtual machine scale set   valid name
    EU1  cmg-eu     virtual machine scale set   single hyphen: ambiguous
    US1  contosocmgus  cloud service (classic), *.cloudapp.net, on a 2203 site:
                    the only classic CMG
    APC  1cmgapac   virtual machine scale set   begins with a digit: invalid
    LAB  cmg--lab   virtual machine scale set   consecutive hyphens: invalid

Site systems (site_systems.csv)
  Each site has a site server, management points, software update points,
  distribution points and a CMG connection point. In each site, one
  management point accepts CMG traffic (client connections InternetAndIntranet).
  HQ1 also has an internet-facing management point (Internet only) that some
  internet clients use directly. EU1's two software update points sit behind
  a network load balancer (nlb_address 10.20.4.100) and accept CMG traffic.
  US1's software update point does not accept CMG traffic. Client connection
  type is left empty for roles other than management and software update points,
  as the export does.

Clients (clients.csv), per client, in this order
  site            by the shares above
  platform        macOS 4 % (client_edition 5, os_caption "macOS 12.7" 20 %,
                  "macOS 13.6" 35 %, "macOS 14.4" 45 %); the rest Windows
                  (client_edition 0):
                    Windows 11 Enterprise 23H2 (10.0.22631) 30 %
                    Windows 11 Enterprise 22H2 (10.0.22621) 12 %
                    Windows 11 Enterprise 24H2 (10.0.26100)  3 %
                    Windows 10 Enterprise 22H2 (10.0.19045) 34 %
                    Windows 10 Enterprise LTSC 2021 (10.0.19044) 5 %
                    Windows 10 Enterprise 21H2 (10.0.19044)  4 %
                    Windows Server 2022 Standard (10.0.20348) 7 %
                    Windows Server 2019 Standard (10.0.17763) 5 %
                  Windows workstations are laptops (LT) 65 %, desktops (DT) 35 %;
                  servers are SRV, Macs MAC. Name: SITE-KIND + 7-digit number.
  os              os_caption and os_build empty for 1 % (no hardware inventory yet)
  client_version  by site, mostly the site's build with its latest hotfix, some
                  clients one or two releases behind (weights in SITE_DEFS);
                  Macs 5.00.8692.1008 (illustrative)
  connection      Macs: on_internet and management_point empty (the macOS client
                  does not report the client notification channel these come
                  from). Windows: both empty for 2 % (never reported).
                  Laptops are on the internet 40 % of the time, desktops and
                  servers never. Internet clients go through the site's CMG 85 %
                  (100 % at sites without an internet-facing MP), otherwise
                  through HQ1's internet-facing MP. Intranet clients use an
                  on-premises MP; 2 % of intranet workstations go through the
                  CMG anyway (a CMG in their boundary group).
                  CMG paths use CCM_Proxy_MutualAuth 75 %, CCM_Proxy_ServerAuth
                  25 % (token/Entra ID authentication).
  network         unknown (both flags empty) 0.5 %; otherwise IPv6-only 8 % of
                  internet clients and 2 % of intranet and unknown-connection
                  clients; dual-stack 30 % of internet clients, 15 % of the
                  others; the rest IPv4-only.
  boundary groups intranet workstations: one office group of the site; 5 % of
                  intranet laptops also "SITE VPN"; intranet clients through the
                  CMG also "SITE Cloud"; servers "SITE Datacenter"; internet
                  clients none (empty): no boundary matches them. A further 2 %
                  of all clients report none.
  resource_id     from 16777220 upward; 3 % of steps skip 1-20 ids (deleted
                  records).
"""

import argparse
import bisect
import csv
import os
import random
import sys

# ---------------------------------------------------------------- constants

CLIENT_COLUMNS = [
    "resource_id", "name", "os_caption", "os_build", "client_edition",
    "client_version", "site_code", "on_internet", "management_point",
    "has_ipv4", "has_ipv6", "boundary_groups",
]
SITE_SYSTEM_COLUMNS = [
    "site_code", "server", "role", "client_connection_type",
    "cmg_traffic_allowed", "nlb_address",
]
CMG_COLUMNS = ["name", "service_cname", "fqdn", "region", "instances", "site_code"]
SITE_COLUMNS = ["site_code", "version"]

MAC_RATE = 0.04
NO_HINV_RATE = 0.01
NO_CONNECTION_DATA_RATE = 0.02
LAPTOP_SHARE = 0.65
LAPTOP_INTERNET_RATE = 0.40
INTERNET_VIA_CMG_RATE = 0.85
INTRANET_VIA_CMG_RATE = 0.02
SERVER_AUTH_RATE = 0.25
UNKNOWN_IP_RATE = 0.005
IPV6_ONLY_INTERNET = 0.08
IPV6_ONLY_OTHER = 0.02
DUAL_STACK_INTERNET = 0.30
DUAL_STACK_OTHER = 0.15
VPN_RATE = 0.05
NO_BOUNDARY_RATE = 0.02
ID_GAP_RATE = 0.03
FIRST_RESOURCE_ID = 16777220

DOMAIN = "corp.contoso.com"
MAC_CLIENT_VERSION = "5.00.8692.1008"

# (caption, build, kind, weight); kind WS = workstation, SRV = server
WINDOWS = [
    ("Microsoft Windows 11 Enterprise", "10.0.22631", "WS", 30),
    ("Microsoft Windows 11 Enterprise", "10.0.22621", "WS", 12),
    ("Microsoft Windows 11 Enterprise", "10.0.26100", "WS", 3),
    ("Microsoft Windows 10 Enterprise", "10.0.19045", "WS", 34),
    ("Microsoft Windows 10 Enterprise LTSC", "10.0.19044", "WS", 5),
    ("Microsoft Windows 10 Enterprise", "10.0.19044", "WS", 4),
    ("Microsoft Windows Server 2022 Standard", "10.0.20348", "SRV", 7),
    ("Microsoft Windows Server 2019 Standard", "10.0.17763", "SRV", 5),
]
MACOS = [
    ("macOS 12.7", "12.7.4", 20),
    ("macOS 13.6", "13.6.6", 35),
    ("macOS 14.4", "14.4.1", 45),
]

# Site definitions. mp_id is the site system id that follows the CMG path
# (as in vProxy_Roles.MutualAuthPath); it is the CMG-enabled MP's.
SITE_DEFS = [
    {
        "code": "HQ1", "version": "5.00.9128.1000", "share": 38,
        "offices": ["HQ1 London", "HQ1 Manchester", "HQ1 Leeds"],
        "client_versions": [("5.00.9128.1007", 70), ("5.00.9128.1000", 15),
                            ("5.00.9122.1006", 10), ("5.00.9106.1000", 5)],
        "cmg": ("cmgprod", "cmgprod.contoso.com",
                "cmgprod.northeurope.cloudapp.azure.com", "northeurope", 3),
        "mp_id": 72057594037927939,
        "systems": [
            ("HQ1SS01", "SMS Site Server", "", False, ""),
            ("HQ1MP01", "SMS Management Point", "InternetAndIntranet", True, ""),
            ("HQ1MP02", "SMS Management Point", "Intranet", False, ""),
            ("HQ1IBCM01.dmz", "SMS Management Point", "Internet", False, ""),
            ("HQ1SUP01", "SMS Software Update Point", "InternetAndIntranet", True, ""),
            ("HQ1DP01", "SMS Distribution Point", "", False, ""),
            ("HQ1DP02", "SMS Distribution Point", "", False, ""),
            ("HQ1DP03", "SMS Distribution Point", "", False, ""),
            ("HQ1CPC01", "SMS Cloud Proxy Connector", "", False, ""),
        ],
    },
    {
        "code": "EU1", "version": "5.00.9122.1000", "share": 27,
        "offices": ["EU1 Paris", "EU1 Frankfurt", "EU1 Madrid"],
        "client_versions": [("5.00.9122.1006", 75), ("5.00.9122.1000", 10),
                            ("5.00.9106.1000", 15)],
        "cmg": ("cmg-eu", "cmg-eu.contoso.com",
                "cmg-eu.westeurope.cloudapp.azure.com", "westeurope", 2),
        "mp_id": 72057594037928021,
        "systems": [
            ("EU1SS01", "SMS Site Server", "", False, ""),
            ("EU1SS01", "SMS Cloud Proxy Connector", "", False, ""),
            ("EU1MP01", "SMS Management Point", "InternetAndIntranet", True, ""),
            ("EU1SUP01", "SMS Software Update Point", "InternetAndIntranet", True, "10.20.4.100"),
            ("EU1SUP02", "SMS Software Update Point", "InternetAndIntranet", True, "10.20.4.100"),
            ("EU1DP01", "SMS Distribution Point", "", False, ""),
            ("EU1DP02", "SMS Distribution Point", "", False, ""),
        ],
    },
    {
        "code": "US1", "version": "5.00.9078.1000", "share": 18,
        "offices": ["US1 Seattle", "US1 Chicago"],
        "client_versions": [("5.00.9078.1007", 60), ("5.00.9078.1000", 20),
                            ("5.00.9068.1012", 20)],
        "cmg": ("contosocmgus", "cmgus.contoso.com",
                "contosocmgus.cloudapp.net", "eastus", 2),
        "mp_id": 72057594037928104,
        "systems": [
            ("US1SS01", "SMS Site Server", "", False, ""),
            ("US1SS01", "SMS Cloud Proxy Connector", "", False, ""),
            ("US1MP01", "SMS Management Point", "InternetAndIntranet", True, ""),
            ("US1MP02", "SMS Management Point", "Intranet", False, ""),
            ("US1SUP01", "SMS Software Update Point", "Intranet", False, ""),
            ("US1DP01", "SMS Distribution Point", "", False, ""),
        ],
    },
    {
        "code": "APC", "version": "5.00.9068.1000", "share": 14,
        "offices": ["APC Singapore", "APC Sydney", "APC Tokyo"],
        "client_versions": [("5.00.9068.1012", 65), ("5.00.9068.1005", 20),
                            ("5.00.9058.1047", 15)],
        "cmg": ("1cmgapac", "cmgapac.contoso.com",
                "1cmgapac.southeastasia.cloudapp.azure.com", "southeastasia", 1),
        "mp_id": 72057594037928190,
        "systems": [
            ("APCSS01", "SMS Site Server", "", False, ""),
            ("APCCPC01", "SMS Cloud Proxy Connector", "", False, ""),
            ("APCMP01", "SMS Management Point", "InternetAndIntranet", True, ""),
            ("APCSUP01", "SMS Software Update Point", "InternetAndIntranet", True, ""),
            ("APCDP01", "SMS Distribution Point", "", False, ""),
            ("APCDP02", "SMS Distribution Point", "", False, ""),
        ],
    },
    {
        "code": "LAB", "version": "5.00.9132.1000", "share": 3,
        "offices": ["LAB Test"],
        "client_versions": [("5.00.9132.1011", 90), ("5.00.9128.1007", 10)],
        "cmg": ("cmg--lab", "cmglab.contoso.com",
                "cmg--lab.westus2.cloudapp.azure.com", "westus2", 1),
        "mp_id": 72057594037928233,
        "systems": [
            ("LABSS01", "SMS Site Server", "", False, ""),
            ("LABSS01", "SMS Management Point", "InternetAndIntranet", True, ""),
            ("LABSS01", "SMS Software Update Point", "InternetAndIntranet", True, ""),
            ("LABSS01", "SMS Distribution Point", "", False, ""),
            ("LABSS01", "SMS Cloud Proxy Connector", "", False, ""),
        ],
    },
]


def fqdn(host):
    """HOST -> HOST.corp.contoso.com; HOST.dmz -> HOST.dmz.contoso.com."""
    return f"{host}.contoso.com" if host.endswith(".dmz") else f"{host}.{DOMAIN}"


def cumulative(weights):
    total = float(sum(weights))
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc / total)
    out[-1] = 1.0
    return out


def boolean(value):
    return "true" if value else "false"


# ---------------------------------------------------------------- fixed files

def write_sites(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SITE_COLUMNS)
        for s in SITE_DEFS:
            w.writerow([s["code"], s["version"]])


def write_site_systems(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SITE_SYSTEM_COLUMNS)
        for s in SITE_DEFS:
            for host, role, conn, cmg, nlb in s["systems"]:
                w.writerow([s["code"], fqdn(host), role, conn, boolean(cmg), nlb])


def write_cmgs(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CMG_COLUMNS)
        for s in SITE_DEFS:
            name, cname, azure, region, instances = s["cmg"]
            w.writerow([name, cname, azure, region, instances, s["code"]])


# ---------------------------------------------------------------- clients

def prepare_sites():
    """Per-site lookup tables the client loop needs."""
    prepared = []
    for s in SITE_DEFS:
        cname = s["cmg"][1]
        mps = [(fqdn(h), conn) for h, role, conn, _, _ in s["systems"]
               if role == "SMS Management Point"]
        intranet_mps = [m for m, conn in mps if conn in ("Intranet", "InternetAndIntranet")]
        internet_mps = [m for m, conn in mps if conn == "Internet"]
        prepared.append({
            "code": s["code"],
            "offices": s["offices"],
            "versions": [v for v, _ in s["client_versions"]],
            "versions_cum": cumulative([w for _, w in s["client_versions"]]),
            "cmg_mutual": f"{cname}/CCM_Proxy_MutualAuth/{s['mp_id']}",
            "cmg_server": f"{cname}/CCM_Proxy_ServerAuth/{s['mp_id']}",
            "intranet_mps": intranet_mps,
            "internet_mp": internet_mps[0] if internet_mps else None,
            "vpn": f"{s['code']} VPN",
            "cloud": f"{s['code']} Cloud",
            "datacenter": f"{s['code']} Datacenter",
        })
    return prepared


def write_clients(path, n, seed):
    rng = random.Random(seed)
    rand = rng.random
    pick = bisect.bisect_left
    sites = prepare_sites()
    site_cum = cumulative([s["share"] for s in SITE_DEFS])
    win_cum = cumulative([w for *_, w in WINDOWS])
    mac_cum = cumulative([w for *_, w in MACOS])

    rid = FIRST_RESOURCE_ID
    with open(path, "w", newline="", encoding="utf-8", buffering=1 << 20) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CLIENT_COLUMNS)
        for i in range(1, n + 1):
            site = sites[pick(site_cum, rand())]
            code = site["code"]

            # platform and operating system
            if rand() < MAC_RATE:
                caption, build, _ = MACOS[pick(mac_cum, rand())]
                kind, edition, version = "MAC", "5", MAC_CLIENT_VERSION
            else:
                caption, build, oskind, _ = WINDOWS[pick(win_cum, rand())]
                if oskind == "SRV":
                    kind = "SRV"
                else:
                    kind = "LT" if rand() < LAPTOP_SHARE else "DT"
                edition = "0"
                version = site["versions"][pick(site["versions_cum"], rand())]
            if rand() < NO_HINV_RATE:
                caption, build = "", ""

            # connection: CNIsOnInternet and CNAccessMP
            via_cmg = False
            if kind == "MAC" or rand() < NO_CONNECTION_DATA_RATE:
                state = "unknown"
                on_internet, mp = "", ""
            elif kind == "LT" and rand() < LAPTOP_INTERNET_RATE:
                state = "internet"
                on_internet = "true"
                if site["internet_mp"] is None or rand() < INTERNET_VIA_CMG_RATE:
                    via_cmg = True
                else:
                    mp = site["internet_mp"]
            else:
                state = "intranet"
                on_internet = "false"
                if kind != "SRV" and rand() < INTRANET_VIA_CMG_RATE:
                    via_cmg = True
                else:
                    mps = site["intranet_mps"]
                    mp = mps[int(rand() * len(mps))]
            if via_cmg:
                mp = site["cmg_server"] if rand() < SERVER_AUTH_RATE else site["cmg_mutual"]

            # network: v_RA_System_IPAddresses reduced to two flags
            r = rand()
            if r < UNKNOWN_IP_RATE:
                v4, v6 = "", ""
            else:
                r = rand()
                if state == "internet":
                    v6only, dual = IPV6_ONLY_INTERNET, DUAL_STACK_INTERNET
                else:
                    v6only, dual = IPV6_ONLY_OTHER, DUAL_STACK_OTHER
                if r < v6only:
                    v4, v6 = "false", "true"
                elif r < v6only + dual:
                    v4, v6 = "true", "true"
                else:
                    v4, v6 = "true", "false"

            # boundary groups
            if state == "internet" or rand() < NO_BOUNDARY_RATE:
                groups = ""
            elif kind == "SRV":
                groups = site["datacenter"]
            else:
                offices = site["offices"]
                parts = [offices[int(rand() * len(offices))]]
                if kind == "LT" and state == "intranet" and rand() < VPN_RATE:
                    parts.append(site["vpn"])
                if via_cmg:
                    parts.append(site["cloud"])
                groups = ";".join(parts)

            w.writerow([rid, f"{code}-{kind}{i:07d}", caption, build, edition,
                        version, code, on_internet, mp, v4, v6, groups])

            rid += 1
            if rand() < ID_GAP_RATE:
                rid += 1 + int(rand() * 20)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200, help="number of clients (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", required=True, help="directory to write the four CSV files to")
    args = ap.parse_args(argv)
    if args.clients < 0:
        ap.error("--clients must be 0 or more")
    if args.clients > 9_999_999:
        ap.error("--clients must be at most 9999999 (names carry a 7-digit number)")
    os.makedirs(args.out, exist_ok=True)
    write_sites(os.path.join(args.out, "sites.csv"))
    write_site_systems(os.path.join(args.out, "site_systems.csv"))
    write_cmgs(os.path.join(args.out, "cmgs.csv"))
    write_clients(os.path.join(args.out, "clients.csv"), args.clients, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

/*
  export.sql: read the four estate CSV files out of a Configuration Manager
  site database (CM_<site code>).

  EXAMPLE ONLY. The project's tests never run this file; it has not been run
  against a live site database by the project. Every statement is a SELECT
  against the site database's reporting views. Run it with an account that has
  read access to the site database (db_datareader is enough). Check it on your
  own site before you rely on it. README.md says which columns come from where
  and which parts are interpretation.

  One query per output file. Each starts at a line "-- @file NAME"; the
  PowerShell example Export-Estate.ps1 splits this file at those lines, runs
  each query with Invoke-Sqlcmd and writes NAME. Column aliases are the CSV
  headers. NULL means unknown and becomes an empty cell. Booleans come out as
  the strings 'true' and 'false', already in the form the CSV files use.
*/

-- @file clients.csv
-- One row per active (not obsolete, not decommissioned) Configuration Manager client.
SELECT
    sys.ResourceID                          AS resource_id,
    sys.Netbios_Name0                       AS name,
    -- Caption0 is Win32_OperatingSystem.Caption from hardware inventory, so it
    -- is NULL until the client's first hardware inventory arrives. Not
    -- checked here: what the macOS client reports in this column.
    NULLIF(os.Caption0, N'')                AS os_caption,
    -- Version0 is "10.0.22631" on Windows; v_R_System.Build01 (discovery)
    -- has the same form and fills in before the first inventory.
    COALESCE(NULLIF(os.Version0, N''), NULLIF(sys.Build01, N''))
                                            AS os_build,
    -- 0 for Windows clients, 5 for macOS (see README.md).
    cdr.ClientEdition                       AS client_edition,
    NULLIF(sys.Client_Version0, N'')        AS client_version,
    asg.site_code                           AS site_code,
    -- CNIsOnInternet and CNAccessMP come from the client notification channel:
    -- NULL for a client that never connected to it.
    CASE cdr.CNIsOnInternet WHEN 1 THEN 'true' WHEN 0 THEN 'false' END
                                            AS on_internet,
    -- CNAccessMP: the management point the client is connected to. For a client
    -- that talks through a CMG it is the CMG's service name followed by the
    -- proxy path, e.g. cmgprod.contoso.com/CCM_Proxy_MutualAuth/72057594037927939
    -- (the same form as vProxy_Roles.MutualAuthPath); token/Entra ID clients
    -- may show CCM_Proxy_ServerAuth instead. Reading "host part = a CMG's
    -- service_cname" as "talks through that CMG" is this project's
    -- interpretation. The CMG article itself says nothing about CNAccessMP.
    NULLIF(cdr.CNAccessMP, N'')             AS management_point,
    CASE WHEN ip.addresses = 0 THEN NULL WHEN ip.v4 = 1 THEN 'true' ELSE 'false' END
                                            AS has_ipv4,
    CASE WHEN ip.addresses = 0 THEN NULL WHEN ip.v6 = 1 THEN 'true' ELSE 'false' END
                                            AS has_ipv6,
    -- Boundary group names as the client's device record holds them. The
    -- separator inside this column is not documented; the CSV format wants ';'.
    -- If yours are separated by ", ", use REPLACE(cdr.BoundaryGroups, N', ', N';').
    NULLIF(cdr.BoundaryGroups, N'')         AS boundary_groups
FROM v_R_System AS sys
LEFT JOIN v_CombinedDeviceResources AS cdr
    ON cdr.MachineID = sys.ResourceID          -- MachineID is the ResourceID in this view
OUTER APPLY (
    SELECT TOP (1) o.Caption0, o.Version0
    FROM v_GS_OPERATING_SYSTEM AS o
    WHERE o.ResourceID = sys.ResourceID
) AS os
OUTER APPLY (
    SELECT TOP (1) a.SMS_Assigned_Sites0 AS site_code
    FROM v_RA_System_SMSAssignedSites AS a
    WHERE a.ResourceID = sys.ResourceID
    ORDER BY a.SMS_Assigned_Sites0
) AS asg
-- The IP addresses discovery holds for the client, reduced to two flags:
-- an address containing ':' is IPv6, any other is IPv4. Ignored: IPv4
-- link-local 169.254.0.0/16, IPv6 link-local fe80::/10 (fe80: to febf:),
-- and loopback (127.*, ::1). A client with no address rows at all gets NULL
-- for both flags (unknown); a client with addresses, all of them ignored, gets
-- false for both.
OUTER APPLY (
    SELECT
        COUNT(*) AS addresses,
        MAX(CASE WHEN x.addr NOT LIKE '%:%'
                  AND x.addr NOT LIKE '169.254.%'
                  AND x.addr NOT LIKE '127.%'
                 THEN 1 ELSE 0 END) AS v4,
        MAX(CASE WHEN x.addr LIKE '%:%'
                  AND x.addr NOT LIKE 'fe[89ab][0-9a-f]:%'
                  AND x.addr <> '::1'
                 THEN 1 ELSE 0 END) AS v6
    FROM (
        SELECT LOWER(LTRIM(RTRIM(i.IP_Addresses0))) AS addr
        FROM v_RA_System_IPAddresses AS i
        WHERE i.ResourceID = sys.ResourceID
          AND NULLIF(LTRIM(RTRIM(i.IP_Addresses0)), N'') IS NOT NULL
    ) AS x
) AS ip
WHERE sys.Client0 = 1
  AND ISNULL(sys.Obsolete0, 0) = 0
  AND ISNULL(sys.Decommissioned0, 0) = 0
ORDER BY sys.ResourceID;

-- @file site_systems.csv
-- Site system roles and the role properties the CMG rules need. Role
-- properties live in the site control data: vSMS_SC_SysResUse (one row per
-- role on a server, the SMS_SCI_SysResUse WMI class) and
-- vSMS_SC_SysResUse_Properties (its embedded properties: Name, Value1 and
-- Value2 strings, Value3 number). The property names used:
--   management point:      MPInternetFacing, MPIntranetFacing, AllowProxyTraffic
--   software update point: IsINF (internet-facing), IsIntranet, AllowProxyTraffic
--   software update point: NlbVirtualIP, the virtual IP of a network load
--     balancer. ASSUMED from the Set-CMSoftwareUpdatePoint -NlbVirtualIP
--     parameter; the embedded property's real name is not confirmed (SUP NLB
--     configuration has been deprecated since 1702). To see which names your
--     software update points have:
--       SELECT DISTINCT p.Name FROM vSMS_SC_SysResUse AS r
--       JOIN vSMS_SC_SysResUse_Properties AS p ON p.ID = r.ID
--       WHERE r.RoleName = N'SMS Software Update Point';
-- Roles without these properties (distribution points, site servers, CMG
-- connection points) get an empty client_connection_type and
-- cmg_traffic_allowed 'false': they do not take CMG traffic this way.
SELECT
    srl.SiteCode                            AS site_code,
    srl.ServerName                          AS server,
    srl.RoleName                            AS role,
    CASE
        WHEN p.internet_facing = 1 AND p.intranet_facing = 1 THEN 'InternetAndIntranet'
        WHEN p.internet_facing = 1 THEN 'Internet'
        WHEN p.intranet_facing = 1 THEN 'Intranet'
    END                                     AS client_connection_type,
    CASE WHEN p.allow_proxy_traffic = 1 THEN 'true' ELSE 'false' END
                                            AS cmg_traffic_allowed,
    CASE WHEN srl.RoleName = N'SMS Software Update Point'
         THEN NULLIF(p.nlb_virtual_ip, N'') END
                                            AS nlb_address
FROM v_SystemResourceList AS srl
LEFT JOIN vSMS_SC_SysResUse AS sru
    ON  sru.ServerName = srl.ServerName
    AND sru.RoleName   = srl.RoleName
LEFT JOIN (
    SELECT
        ID,
        MAX(CASE WHEN Name IN (N'MPInternetFacing', N'IsINF')       THEN Value3 END) AS internet_facing,
        MAX(CASE WHEN Name IN (N'MPIntranetFacing', N'IsIntranet')  THEN Value3 END) AS intranet_facing,
        MAX(CASE WHEN Name = N'AllowProxyTraffic'                   THEN Value3 END) AS allow_proxy_traffic,
        MAX(CASE WHEN Name = N'NlbVirtualIP'
                 THEN COALESCE(NULLIF(Value1, N''), NULLIF(Value2, N'')) END)        AS nlb_virtual_ip
    FROM vSMS_SC_SysResUse_Properties
    GROUP BY ID
) AS p
    ON p.ID = sru.ID
-- Drop this filter to export every role.
WHERE srl.RoleName IN (
    N'SMS Site Server',
    N'SMS Management Point',
    N'SMS Software Update Point',
    N'SMS Distribution Point',
    N'SMS Cloud Proxy Connector'            -- the CMG connection point
)
ORDER BY srl.SiteCode, srl.RoleName, srl.ServerName;

-- @file cmgs.csv
-- Cloud management gateways. The SMS Provider exposes them as SMS_AzureService
-- instances with ServiceType 'CloudProxyService' (cloud distribution points
-- have 'CloudDistributionPoint'). The view name vSMS_AzureService and its
-- column names are ASSUMED to mirror that class; they are not confirmed. If
-- they differ on your site, run Export-Estate.ps1 with -SmsProvider, which
-- reads the documented WMI class instead. The last column, site_code, is
-- SMS_AzureService.SiteCode (the CMG's primary site).
-- fqdn: the Azure name. A cloud service (classic) is NAME.cloudapp.net; a
-- virtual machine scale set is NAME.REGION.cloudapp.azure.com. Which of the
-- two this property holds for a scale-set CMG is not confirmed either.
SELECT
    az.Name                                 AS name,
    az.ServiceCName                         AS service_cname,
    az.Fqdn                                 AS fqdn,
    az.Region                               AS region,
    az.NumberOfInstances                    AS instances,
    az.SiteCode                             AS site_code
FROM vSMS_AzureService AS az
WHERE az.ServiceType = N'CloudProxyService'
ORDER BY az.SiteCode, az.Name;

-- @file sites.csv
-- One row per site in the hierarchy; Version is e.g. 5.00.9128.1000, whose
-- third part (the build) maps to a release (9128 = 2403; table in README.md).
SELECT
    s.SiteCode                              AS site_code,
    s.Version                               AS version
FROM v_Site AS s
ORDER BY s.SiteCode;

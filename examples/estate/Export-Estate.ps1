<#
.SYNOPSIS
    Export a Configuration Manager estate as the four CSV files that supportkb
    evaluates against its CMG knowledge base.

.DESCRIPTION
    EXAMPLE ONLY. The project's tests never run this script. It has not been run
    against a live site by the project. Read it, and try it on your own site
    before you rely on it.

    It runs the read-only queries in export.sql (next to this script) against
    the site database with Invoke-Sqlcmd. It then writes clients.csv,
    site_systems.csv, cmgs.csv and sites.csv into -OutputDirectory, with the
    headers README.md describes. The files are UTF-8 and written with
    Export-Csv -NoTypeInformation. Booleans are the strings true and false, and
    unknown values are empty cells.

    Windows PowerShell 5.1 writes a UTF-8 byte order mark and quotes every
    field. PowerShell 7 writes no byte order mark and quotes only where needed.
    Both are valid CSV.

    With -SmsProvider and -SiteCode, cmgs.csv is read from the SMS Provider's
    SMS_AzureService WMI class instead of the database view, whose name
    export.sql can only assume.

.PARAMETER SqlServer
    SQL Server instance that hosts the site database, e.g. CM01.corp.contoso.com
    or CM01\SCCM.

.PARAMETER Database
    Site database name, e.g. CM_HQ1.

.PARAMETER OutputDirectory
    Where to write the four files (created if missing). Default: current directory.

.PARAMETER SqlFile
    The query file. Default: export.sql next to this script.

.PARAMETER SmsProvider
    Optional SMS Provider server; with -SiteCode, cmgs.csv comes from WMI.

.PARAMETER SiteCode
    Site code of the SMS Provider's site (namespace root\SMS\site_<SiteCode>).

.PARAMETER TrustServerCertificate
    Pass -TrustServerCertificate to Invoke-Sqlcmd. SqlServer module 22 and
    later encrypt connections by default, so a SQL Server whose certificate is
    self-signed needs this switch.

.EXAMPLE
    .\Export-Estate.ps1 -SqlServer CM01.corp.contoso.com -Database CM_HQ1 -OutputDirectory C:\Temp\estate

.EXAMPLE
    .\Export-Estate.ps1 -SqlServer CM01 -Database CM_HQ1 -SmsProvider CM01 -SiteCode HQ1 -TrustServerCertificate
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $SqlServer,

    [Parameter(Mandatory = $true)]
    [string] $Database,

    [string] $OutputDirectory = '.',

    [string] $SqlFile = (Join-Path -Path $PSScriptRoot -ChildPath 'export.sql'),

    [string] $SmsProvider,

    [string] $SiteCode,

    [switch] $TrustServerCertificate
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The headers of the four files, in order (README.md describes each column).
$Columns = [ordered]@{
    'clients.csv'      = @('resource_id', 'name', 'os_caption', 'os_build', 'client_edition',
                           'client_version', 'site_code', 'on_internet', 'management_point',
                           'has_ipv4', 'has_ipv6', 'boundary_groups')
    'site_systems.csv' = @('site_code', 'server', 'role', 'client_connection_type',
                           'cmg_traffic_allowed', 'nlb_address')
    'cmgs.csv'         = @('name', 'service_cname', 'fqdn', 'region', 'instances', 'site_code')
    'sites.csv'        = @('site_code', 'version')
}

if ($SmsProvider -and -not $SiteCode) {
    throw '-SmsProvider needs -SiteCode (the provider namespace is root\SMS\site_<SiteCode>).'
}

Import-Module -Name SqlServer   # provides Invoke-Sqlcmd

# Split export.sql into one query per output file, at lines "-- @file NAME".
$Queries = @{}
$current = $null
foreach ($line in Get-Content -LiteralPath $SqlFile -Encoding UTF8) {
    if ($line -match '^--\s*@file\s+(\S+)\s*$') {
        $current = $Matches[1]
        $Queries[$current] = New-Object System.Text.StringBuilder
        continue
    }
    if ($null -ne $current) {
        [void] $Queries[$current].AppendLine($line)
    }
}
foreach ($file in $Columns.Keys) {
    if (-not $Queries.ContainsKey($file)) {
        throw "$SqlFile has no '-- @file $file' query."
    }
}

New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null

function Invoke-EstateQuery {
    param([string] $Query)
    $sqlArgs = @{
        ServerInstance = $SqlServer
        Database       = $Database
        Query          = $Query
        QueryTimeout   = 3600     # seconds; large estates take a while
        MaxCharLength  = 65535    # the default (4000) would cut long values
    }
    if ($TrustServerCertificate) {
        $sqlArgs['TrustServerCertificate'] = $true
    }
    Invoke-Sqlcmd @sqlArgs
}

function Write-EstateCsv {
    param($Rows, [string[]] $Names, [string] $Path)
    # Keep exactly the named columns, in order. DataRow objects also carry
    # RowState, Table and similar properties that must not reach the file.
    # A SQL NULL (DBNull) is written as an empty cell.
    $selected = @($Rows | Where-Object { $null -ne $_ } | Select-Object -Property $Names)
    if ($selected.Count -eq 0) {
        # Export-Csv writes nothing for no rows; the format still wants its header.
        $header = ($Names | ForEach-Object { '"' + $_ + '"' }) -join ','
        Set-Content -LiteralPath $Path -Value $header -Encoding UTF8
        return
    }
    $csvArgs = @{
        LiteralPath       = $Path
        NoTypeInformation = $true
        Encoding          = 'UTF8'
    }
    if ($PSVersionTable.PSVersion.Major -ge 7) {
        $csvArgs['UseQuotes'] = 'AsNeeded'
    }
    $selected | Export-Csv @csvArgs
}

foreach ($file in $Columns.Keys) {
    $path = Join-Path -Path $OutputDirectory -ChildPath $file
    if ($file -eq 'cmgs.csv' -and $SmsProvider) {
        $rows = Get-CimInstance -ComputerName $SmsProvider `
                    -Namespace "root\SMS\site_$SiteCode" `
                    -ClassName SMS_AzureService `
                    -Filter "ServiceType = 'CloudProxyService'" |
                Select-Object @{ Name = 'name';          Expression = { $_.Name } },
                              @{ Name = 'service_cname'; Expression = { $_.ServiceCName } },
                              @{ Name = 'fqdn';          Expression = { $_.Fqdn } },
                              @{ Name = 'region';        Expression = { $_.Region } },
                              @{ Name = 'instances';     Expression = { $_.NumberOfInstances } },
                              @{ Name = 'site_code';     Expression = { $_.SiteCode } }
    }
    else {
        $rows = Invoke-EstateQuery -Query $Queries[$file].ToString()
    }
    Write-EstateCsv -Rows $rows -Names $Columns[$file] -Path $path
    $count = @($rows | Where-Object { $null -ne $_ }).Count
    Write-Verbose "$file : $count rows"
    Write-Output ("{0,-17} {1,8} rows  {2}" -f $file, $count, $path)
}

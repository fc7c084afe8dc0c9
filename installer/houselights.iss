; Inno Setup script for the Windows installer. installer/build.py runs it with
; ISCC.exe after PyInstaller has filled dist\Houselights; the version comes from
; pyproject.toml via /DAppVersion=...
;
; Per-user install without administrator rights (PrivilegesRequired=lowest):
; the program goes to %LOCALAPPDATA%\Programs\Houselights, with a Start-menu
; entry and an uninstaller (Settings > Apps). The data (events, read models,
; logs) lives in %LOCALAPPDATA%\Houselights\Houselights, which this installer
; never installs into, so neither an upgrade nor the uninstaller touches it.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{5B0E3C1A-7D64-4C8E-9B8F-2F4E1A9C6D21}
AppName=Houselights
AppVersion={#AppVersion}
AppVerName=Houselights {#AppVersion}
AppPublisher=Houselights
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Houselights
DefaultGroupName=Houselights
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=Houselights-{#AppVersion}-setup
SetupIconFile=icons\houselights.ico
UninstallDisplayIcon={app}\Houselights.exe
UninstallDisplayName=Houselights
Compression=lzma2
SolidCompression=yes
; per-user install works without administrator rights in a small office
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
; an upgrade closes a running Houselights first
CloseApplications=yes

[InstallDelete]
; an upgrade replaces the libraries of the previous version wholesale (never the data)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\Houselights\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Houselights"; Filename: "{app}\Houselights.exe"
Name: "{group}\Uninstall Houselights"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Houselights"; Filename: "{app}\Houselights.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\Houselights.exe"; Description: "Start Houselights"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entries: the uninstaller removes only the program files it
; installed; the data folder stays for a later reinstall or a backup.

; Inno Setup script for the Windows installer. installer/build.py runs it with
; ISCC.exe after PyInstaller has filled dist\Houselights; the version comes from
; pyproject.toml via /DAppVersion=... . Needs Inno Setup 6.3 or newer (CI
; installs 6.4.3 exactly): "x64compatible" below is new in 6.3.
;
; One install mode only: per user, without administrator rights
; (PrivilegesRequired=lowest, no override dialog), so a second install can never
; land beside the first one in Program Files. The program goes to
; %LOCALAPPDATA%\Programs\Houselights, with a Start-menu entry and an
; uninstaller (Settings > Apps). The data (events, read models, logs) lives in
; %LOCALAPPDATA%\Houselights\Houselights, which this installer never installs
; into, so neither an upgrade nor the uninstaller touches it.
;
; Signed when build.py is given a certificate: it passes /DSignInstaller=1 and
; the sign command as the sign tool "houselights" (/Shouselights=...); Inno
; Setup then signs the setup program and the uninstaller it writes.
#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible)
#endif
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
DefaultDirName={userpf}\Houselights
DefaultGroupName=Houselights
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=Houselights-{#AppVersion}-setup
SetupIconFile=icons\houselights.ico
UninstallDisplayIcon={app}\Houselights.exe
UninstallDisplayName=Houselights
Compression=lzma2
SolidCompression=yes
; per-user install works without administrator rights in a small office; no
; override: an all-users copy in Program Files beside it is never made
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
; an upgrade closes a running Houselights first
CloseApplications=yes
; an upgrade goes where the installed version is, without asking again
UsePreviousAppDir=yes
DisableDirPage=auto
#ifdef SignInstaller
SignTool=houselights
SignedUninstaller=yes
#endif

[InstallDelete]
; an upgrade replaces the libraries of the previous version wholesale (never the data)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\Houselights\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
; the licences of the bundled software are also in {app}\_internal\licenses

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

[Code]
// Installers before 0.2 could also install for all users (Program Files, with
// administrator rights). Such a copy would stay beside this per-user one, with a
// second Start-menu entry: stop and say to uninstall it first (the data is kept).
function InitializeSetup(): Boolean;
var
  Key: String;
begin
  Key := 'Software\Microsoft\Windows\CurrentVersion\Uninstall\{5B0E3C1A-7D64-4C8E-9B8F-2F4E1A9C6D21}_is1';
  Result := True;
  if RegKeyExists(HKLM64, Key) or RegKeyExists(HKLM32, Key) then
  begin
    SuppressibleMsgBox('Houselights is already installed for all users of this computer ' +
      '(by an older installer). Uninstall that copy first in Settings > Apps > ' +
      'Houselights, then run this installer again. Your data is kept.',
      mbError, MB_OK, IDOK);
    Result := False;
  end;
end;

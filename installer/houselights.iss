; Inno Setup script for the Windows installer. installer/build.py runs it with
; ISCC.exe after PyInstaller has filled dist\Houselights; the version comes from
; pyproject.toml via /DAppVersion=...
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{5B0E3C1A-7D64-4C8E-9B8F-2F4E1A9C6D21}
AppName=Houselights
AppVersion={#AppVersion}
AppPublisher=Houselights
DefaultDirName={autopf}\Houselights
DefaultGroupName=Houselights
OutputDir=..\dist
OutputBaseFilename=Houselights-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
; per-user install works without administrator rights in a small office
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "..\dist\Houselights\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Houselights"; Filename: "{app}\Houselights.exe"
Name: "{autodesktop}\Houselights"; Filename: "{app}\Houselights.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\Houselights.exe"; Description: "Start Houselights"; Flags: nowait postinstall skipifsilent

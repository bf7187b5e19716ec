; Inno Setup script: installs dist\TribunalDesk (built by PyInstaller) for the current user or all users.
; Build on Windows:  pyinstaller --noconfirm installer\tribunal-desk.spec
;                    iscc installer\windows\TribunalDesk.iss
; The user's data (database, backups, log) lives in %LOCALAPPDATA%\TribunalDesk and is never touched by
; installing, upgrading or uninstalling.

#define AppVersion GetEnv("TRIBUNAL_DESK_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C0E7A52-3A4B-4D0E-9B57-2C7D2F0A8E31}
AppName=法庭自动履行工作台
AppVersion={#AppVersion}
AppPublisher=Tribunal Desk
DefaultDirName={autopf}\TribunalDesk
DefaultGroupName=法庭自动履行工作台
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=TribunalDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\TribunalDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\法庭自动履行工作台"; Filename: "{app}\TribunalDesk.exe"
Name: "{autodesktop}\法庭自动履行工作台"; Filename: "{app}\TribunalDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; Flags: unchecked

[Run]
Filename: "{app}\TribunalDesk.exe"; Description: "启动法庭自动履行工作台"; Flags: nowait postinstall skipifsilent

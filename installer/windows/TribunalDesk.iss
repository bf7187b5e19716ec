; Inno Setup 6 script: installs dist\TribunalDesk (built by PyInstaller) for the current user, without
; administrator rights (an administrator may choose "all users" in the first dialog).
; Build on Windows (docs/windows.md: building and signing):
;     python installer\build.py
;     iscc installer\windows\TribunalDesk.iss          -> dist\TribunalDesk-<version>-setup.exe
;
; The user's data (database, backups, log) lives in %LOCALAPPDATA%\TribunalDesk. Installing, upgrading
; and uninstalling never touch it: nothing below names that folder, and the program folder is a
; different one (%LOCALAPPDATA%\Programs\TribunalDesk per user, C:\Program Files\TribunalDesk for all).
; tests/unit/test_installer_scripts.py checks these settings.

#define AppVersion GetEnv("TRIBUNAL_DESK_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
; The same AppId for every version: a new setup upgrades in place (same folder, same Start-menu entry).
AppId={{6C0E7A52-3A4B-4D0E-9B57-2C7D2F0A8E31}
AppName=法庭自动履行工作台
AppVersion={#AppVersion}
AppVerName=法庭自动履行工作台 {#AppVersion}
AppPublisher=Tribunal Desk
VersionInfoVersion={#AppVersion}
; Per user by default (no UAC prompt on a court PC where staff are not administrators).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\TribunalDesk
UsePreviousAppDir=yes
DefaultGroupName=法庭自动履行工作台
DisableProgramGroupPage=yes
; A running copy is closed (Restart Manager) before its files are replaced, and restarted afterwards.
CloseApplications=yes
RestartApplications=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
UninstallDisplayIcon={app}\TribunalDesk.exe
UninstallDisplayName=法庭自动履行工作台
OutputDir=..\..\dist
OutputBaseFilename=TribunalDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Signing (docs/windows.md): iscc "/Ssigntool=signtool sign /fd SHA256 /tr <timestamp URL> /td SHA256 /a $f" ...
; then uncomment:
; SignTool=signtool
; SignedUninstaller=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[InstallDelete]
; An upgrade replaces the program's own library folder whole, so no file of an older version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\TribunalDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\法庭自动履行工作台"; Filename: "{app}\TribunalDesk.exe"
Name: "{autodesktop}\法庭自动履行工作台"; Filename: "{app}\TribunalDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; Flags: unchecked

[Run]
Filename: "{app}\TribunalDesk.exe"; Description: "启动法庭自动履行工作台"; Flags: nowait postinstall skipifsilent

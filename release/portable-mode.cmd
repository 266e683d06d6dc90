@echo off
rem 便携模式开关：双击本文件打开或关闭便携模式。
rem 打开时在程序文件夹中建立 portable.txt，程序把数据放在程序文件夹下的 data 文件夹中；
rem 关闭时删除 portable.txt，程序把数据放在本机当前用户的 %APPDATA%\Zhushan\ZhushanCarbonPeak 中。
rem （本文件以 GBK 编码保存，供中文 Windows 的命令提示符读取。）
cd /d "%~dp0"
if exist portable.txt goto off
echo 便携模式：有本文件时，程序把数据放在本文件夹下的 data 文件夹中。删除本文件即关闭便携模式。> portable.txt
echo 已打开便携模式。
echo 数据将保存在：%~dp0data
echo 以前保存在 %APPDATA%\Zhushan\ZhushanCarbonPeak 中的数据不会自动移过来（见 README.txt）。
goto done
:off
del portable.txt
echo 已关闭便携模式。
echo 数据将保存在：%APPDATA%\Zhushan\ZhushanCarbonPeak
echo 程序文件夹下 data 文件夹中的数据仍然保留，没有删除。
:done
echo.
pause

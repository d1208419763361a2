<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>HumPage</name>
    <message>
        <location filename="../../ui/hum_page.py" line="42"/>
        <source>●  Hum</source>
        <translation>●  허밍</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="44"/>
        <source>Hum, sing or whistle about 10 seconds of the tune — any part, any key. Recording stops when you stop.</source>
        <translation>찾는 곡을 10초쯤 허밍하거나 부르거나 휘파람으로 불어 주세요 — 어느 부분, 어느 키든 괜찮아요. 멈추면 녹음도 멈춥니다.</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="58"/>
        <source>Singer:</source>
        <translation>가수:</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="60"/>
        <source>Anyone</source>
        <translation>모두</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="60"/>
        <source>Female</source>
        <translation>여성</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="61"/>
        <source>Male</source>
        <translation>남성</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="61"/>
        <source>Mixed</source>
        <translation>혼성</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="65"/>
        <source>Hum again</source>
        <translation>다시 허밍</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="79"/>
        <source>Searching for your tune…</source>
        <translation>곡을 찾는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="94"/>
        <source>Found it: {0}</source>
        <translation>찾았어요: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="95"/>
        <source>Best matches first:</source>
        <translation>가장 비슷한 곡부터:</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="97"/>
        <source>Not found</source>
        <translation>찾지 못했어요</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="99"/>
        <source>No song in the catalog matches this tune well. Try 10–15 seconds of the chorus, or hum more clearly.</source>
        <translation>이 선율과 잘 맞는 곡이 목록에 없어요. 후렴을 10–15초 부르거나 더 또렷하게 허밍해 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="101"/>
        <source>Closest guesses:</source>
        <translation>가장 가까운 추측:</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="106"/>
        <source>Could not search</source>
        <translation>검색할 수 없어요</translation>
    </message>
    <message>
        <location filename="../../ui/hum_page.py" line="107"/>
        <source>Search failed: {0}</source>
        <translation>검색 실패: {0}</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../ui/import_page.py" line="85"/>
        <source>Import songs</source>
        <translation>곡 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="89"/>
        <source>MIDI and KAR files, UltraStar .txt files and audio (WAV, FLAC, Ogg, MP3). Songs already in the catalog are skipped; a broken file is listed below and never stops the others.</source>
        <translation>MIDI·KAR 파일, UltraStar .txt 파일, 오디오(WAV, FLAC, Ogg, MP3). 이미 있는 곡은 건너뛰고, 손상된 파일은 아래에 표시되며 다른 파일은 계속 가져옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="96"/>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="97"/>
        <source>Add files…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="99"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="105"/>
        <source>Adding songs from files is turned off in kiosk mode.</source>
        <translation>키오스크 모드에서는 파일에서 곡을 추가할 수 없어요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="113"/>
        <source>Choose a folder or files to import.</source>
        <translation>가져올 폴더나 파일을 고르세요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="124"/>
        <source>Files that could not be imported</source>
        <translation>가져오지 못한 파일</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="128"/>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="128"/>
        <source>Reason</source>
        <translation>이유</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="146"/>
        <source>Add a folder of songs</source>
        <translation>곡 폴더 추가</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="153"/>
        <source>Add song files</source>
        <translation>곡 파일 추가</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="153"/>
        <source>Song files</source>
        <translation>곡 파일</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="173"/>
        <source>Looking for song files…</source>
        <translation>곡 파일을 찾는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="187"/>
        <source>Stopping after the current file…</source>
        <translation>지금 파일을 마치고 멈추는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="219"/>
        <source>Preparing hum search: {done} of {total} songs</source>
        <translation>허밍 검색 준비 중: {total}곡 중 {done}곡</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="221"/>
        <source>Making the new songs findable by humming…</source>
        <translation>새 곡을 허밍으로 찾을 수 있게 준비하는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="227"/>
        <source>Importing {name}…</source>
        <translation>{name} 가져오는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="233"/>
        <source>{done} of {total} files · {added} imported · {failed} failed</source>
        <translation>파일 {total}개 중 {done}개 · {added}곡 추가 · {failed}개 실패</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="237"/>
        <source>{n} already in the catalog</source>
        <translation>{n}곡은 이미 있음</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="261"/>
        <source>Import stopped.</source>
        <translation>가져오기를 멈췄어요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="262"/>
        <source>Import finished.</source>
        <translation>가져오기를 마쳤어요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="274"/>
        <source>No song files were found there.</source>
        <translation>그곳에서 곡 파일을 찾지 못했어요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="275"/>
        <source>{n} songs imported</source>
        <translation>{n}곡 추가</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="277"/>
        <source>{n} were already in the catalog</source>
        <translation>{n}곡은 이미 있었음</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="279"/>
        <source>{n} could not be imported (listed below)</source>
        <translation>{n}개는 가져오지 못함 (아래 목록)</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="282"/>
        <source>{n} text files were not songs</source>
        <translation>텍스트 파일 {n}개는 곡이 아님</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="285"/>
        <source>Stopped after {done} of {total} files. Everything imported so far is kept; Resume finishes the rest.</source>
        <translation>파일 {total}개 중 {done}개에서 멈췄어요. 지금까지 가져온 곡은 그대로 있고, 이어하기로 나머지를 마칠 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="296"/>
        <source>The import stopped: {reason}</source>
        <translation>가져오기가 멈췄어요: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/import_page.py" line="327"/>
        <source>Resume the unfinished import of “{name}” ({done} of {total} files done)</source>
        <translation>“{name}” 가져오기 이어하기 (파일 {total}개 중 {done}개 완료)</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../ui/library_page.py" line="25"/>
        <source>Female</source>
        <translation>여성</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="26"/>
        <source>Male</source>
        <translation>남성</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="27"/>
        <source>Mixed</source>
        <translation>혼성</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="28"/>
        <source>Unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="43"/>
        <source>Search title or artist · 제목/가수 검색 (ㅇㄹㄹ)</source>
        <translation>제목이나 가수로 검색 (초성도 됩니다: ㅇㄹㄹ)</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="48"/>
        <source>All genres</source>
        <translation>모든 장르</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="51"/>
        <source>Any singer</source>
        <translation>모든 가수</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="100"/>
        <source>{0} shown</source>
        <translation>{0}곡 표시</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="101"/>
        <source> (refine the search to see more)</source>
        <translation> (더 보려면 검색어를 좁혀 주세요)</translation>
    </message>
    <message>
        <location filename="../../ui/library_page.py" line="102"/>
        <source>{0} songs in the catalog · {1}</source>
        <translation>목록에 {0}곡 · {1}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>Sing</source>
        <translation>노래</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>Hum</source>
        <translation>허밍</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>Library</source>
        <translation>노래 목록</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>Import</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="137"/>
        <source>Opening the catalog…</source>
        <translation>곡 목록을 여는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="190"/>
        <source>Could not record the play: {0}</source>
        <translation>부른 곡을 기록하지 못했어요: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="193"/>
        <source>Now singing: {0}</source>
        <translation>지금 부르는 곡: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195"/>
        <source>similar songs updated from {0} sessions</source>
        <translation>{0}번의 모임 기록으로 비슷한 곡을 새로 배웠어요</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="242"/>
        <source>Preparing the demo catalog…</source>
        <translation>데모 곡 목록을 준비하는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="251"/>
        <location filename="../../ui/main_window.py" line="293"/>
        <source>{0} songs in the catalog</source>
        <translation>목록에 {0}곡</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="259"/>
        <source>Preparing hum search: {0} of {1} songs…</source>
        <translation>허밍 검색 준비 중: {1}곡 중 {0}곡…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="271"/>
        <source>{0} songs in the catalog · ready to listen</source>
        <translation>목록에 {0}곡 · 들을 준비 완료</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="280"/>
        <source>Singing and humming are unavailable: {0}</source>
        <translation>노래와 허밍을 쓸 수 없어요: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="285"/>
        <source>Could not open the catalog: {0}</source>
        <translation>곡 목록을 열 수 없어요: {0}</translation>
    </message>
</context>
<context>
    <name>PianoRoll</name>
    <message>
        <location filename="../../ui/piano_roll.py" line="157"/>
        <source>No melody is stored for this song.</source>
        <translation>이 곡에는 저장된 선율이 없어요.</translation>
    </message>
    <message>
        <location filename="../../ui/piano_roll.py" line="179"/>
        <source>{s} s</source>
        <translation>{s}초</translation>
    </message>
</context>
<context>
    <name>RangeTestPage</name>
    <message>
        <location filename="../../ui/range_test_page.py" line="37"/>
        <source>No singing was heard. Sing “ah” and slide from your lowest to your highest note.</source>
        <translation>노랫소리가 들리지 않았어요. ‘아’ 소리로 가장 낮은 음에서 가장 높은 음까지 미끄러지듯 불러 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="39"/>
        <source>That was too short. Slide slowly, over 3–10 seconds, from your lowest to your highest note.</source>
        <translation>너무 짧았어요. 가장 낮은 음에서 가장 높은 음까지 3–10초에 걸쳐 천천히 올라가 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="41"/>
        <source>Slide further: start on your lowest comfortable note and go up to your highest.</source>
        <translation>더 넓게 불러 주세요: 편하게 낼 수 있는 가장 낮은 음에서 시작해 가장 높은 음까지 올라가세요.</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="55"/>
        <source>●  Start</source>
        <translation>●  시작</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="57"/>
        <source>Sing “ah” from your lowest comfortable note and slide up to your highest. Go slowly and hold the bottom and the top for a moment; recording stops by itself when you stop.</source>
        <translation>편하게 낼 수 있는 가장 낮은 음에서 ‘아’ 소리로 시작해 가장 높은 음까지 미끄러지듯 올라가세요. 천천히, 맨 아래 음과 맨 위 음은 잠깐 끌어 주세요. 노래를 멈추면 녹음도 저절로 멈춥니다.</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="65"/>
        <source>Find my range</source>
        <translation>내 음역 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="68"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="87"/>
        <source>Use this range</source>
        <translation>이 음역 쓰기</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="90"/>
        <source>Try again</source>
        <translation>다시 하기</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="104"/>
        <source>Measuring your range…</source>
        <translation>음역을 재는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="117"/>
        <source>Your range: {0}–{1} ({2} semitones)</source>
        <translation>내 음역: {0}–{1} ({2}반음)</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="120"/>
        <source>Use it, and the keys of the songs suggested for you are chosen for this range.</source>
        <translation>이 음역을 쓰면 추천곡의 키를 이 음역에 맞춰 골라 드려요.</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="123"/>
        <source>Heard: {0}–{1}</source>
        <translation>들린 음: {0}–{1}</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="129"/>
        <source>Could not measure your range</source>
        <translation>음역을 재지 못했어요</translation>
    </message>
    <message>
        <location filename="../../ui/range_test_page.py" line="130"/>
        <source>Analysis failed: {0}</source>
        <translation>분석하지 못했어요: {0}</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <location filename="../../ui/record_panel.py" line="76"/>
        <source>Use an audio file instead…</source>
        <translation>대신 오디오 파일 사용…</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="123"/>
        <source>■  Stop</source>
        <translation>■  멈춤</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="159"/>
        <source>{0}:{1:02d} recorded · {2:.1f} s sung</source>
        <translation>{0}:{1:02d} 녹음 · {2:.1f}초 노래함</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="162"/>
        <source>Too quiet — come closer to the microphone or sing louder.</source>
        <translation>소리가 작아요 — 마이크에 더 가까이 오거나 더 크게 불러 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="163"/>
        <source>Too loud — the input is clipping. Step back or turn the gain down.</source>
        <translation>소리가 너무 커요 — 입력이 찌그러져요. 조금 떨어지거나 입력 음량을 줄여 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="170"/>
        <source>Nothing was heard. Check the microphone and try again.</source>
        <translation>아무 소리도 들리지 않았어요. 마이크를 확인하고 다시 해 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="180"/>
        <source>Choose a recording</source>
        <translation>녹음 파일 고르기</translation>
    </message>
    <message>
        <location filename="../../ui/record_panel.py" line="186"/>
        <source>Reading {0}…</source>
        <translation>{0} 읽는 중…</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/settings_page.py" line="67"/>
        <location filename="../../ui/settings_page.py" line="150"/>
        <source>Test level</source>
        <translation>음량 확인</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="71"/>
        <source>Microphone</source>
        <translation>마이크</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="78"/>
        <source>Find my range</source>
        <translation>내 음역 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="80"/>
        <source>Forget my range</source>
        <translation>내 음역 지우기</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="85"/>
        <source>My range</source>
        <translation>내 음역</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="93"/>
        <source>Language (after restart)</source>
        <translation>언어 (다시 시작하면 적용)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="94"/>
        <source>Start in kiosk mode (full screen, resets after a minute idle)</source>
        <translation>키오스크 모드로 시작 (전체 화면, 1분 동안 입력이 없으면 처음으로)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="97"/>
        <source>Kiosk</source>
        <translation>키오스크</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="112"/>
        <source>System default</source>
        <translation>시스템 기본값</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="120"/>
        <source>No microphone found. You can still use audio files on the Sing and Hum screens.</source>
        <translation>마이크를 찾지 못했어요. 노래·허밍 화면에서 오디오 파일은 쓸 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="137"/>
        <source>Stop test</source>
        <translation>확인 멈춤</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="138"/>
        <source>Sing or speak: the bar should reach the green zone.</source>
        <translation>노래하거나 말해 보세요: 막대가 초록색 구간에 닿아야 해요.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="160"/>
        <source>Not measured yet — use “Find my range”.</source>
        <translation>아직 재지 않았어요 — ‘내 음역 찾기’를 눌러 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="161"/>
        <source>Not measured yet — use “Find my range” or sing on the Sing screen.</source>
        <translation>아직 재지 않았어요 — ‘내 음역 찾기’를 누르거나 노래하기 화면에서 불러 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="166"/>
        <source>{0} · this singer&apos;s range test (forgotten after a minute idle)</source>
        <translation>{0} · 지금 부르는 분의 음역 측정 (1분 동안 쓰지 않으면 지워져요)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="168"/>
        <source>{0} · from a range test (keys are chosen for it)</source>
        <translation>{0} · 음역 측정 결과 (키를 이 음역에 맞춰 골라요)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="170"/>
        <source>{0} · heard in your last take</source>
        <translation>{0} · 마지막 녹음에서 들린 음역</translation>
    </message>
</context>
<context>
    <name>SingPage</name>
    <message>
        <location filename="../../ui/sing_page.py" line="39"/>
        <source>Bass</source>
        <translation>베이스</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="40"/>
        <source>Baritone</source>
        <translation>바리톤</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="41"/>
        <source>Tenor</source>
        <translation>테너</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="42"/>
        <source>Alto</source>
        <translation>알토</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="43"/>
        <source>Mezzo-soprano</source>
        <translation>메조소프라노</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="44"/>
        <source>Soprano</source>
        <translation>소프라노</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="59"/>
        <source>●  Sing</source>
        <translation>●  노래</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="61"/>
        <source>Sing 8–20 seconds of any song you like — hold a few notes, low and high. Recording stops by itself when you stop singing.</source>
        <translation>좋아하는 노래를 8–20초 불러 주세요 — 낮은 음과 높은 음을 몇 번 길게 끌어 주세요. 노래를 멈추면 녹음도 저절로 멈춥니다.</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="66"/>
        <location filename="../../ui/sing_page.py" line="84"/>
        <source>Find my range</source>
        <translation>내 음역 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="80"/>
        <source>Sing again</source>
        <translation>다시 부르기</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="94"/>
        <source>Your voice:</source>
        <translation>내 목소리:</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="96"/>
        <source>Female</source>
        <translation>여성</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="96"/>
        <source>Male</source>
        <translation>남성</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="103"/>
        <source>Show:</source>
        <translation>보기:</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="105"/>
        <source>All songs</source>
        <translation>모든 곡</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="105"/>
        <source>Female singers&apos; songs</source>
        <translation>여성 가수의 곡</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="106"/>
        <source>Male singers&apos; songs</source>
        <translation>남성 가수의 곡</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="122"/>
        <source>Listening to your voice…</source>
        <translation>목소리를 듣는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="137"/>
        <source>Your voice</source>
        <translation>내 목소리</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="139"/>
        <source>not measured — hold longer notes</source>
        <translation>재지 못함 — 음을 더 길게 끌어 주세요</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="140"/>
        <source>{0} · range {1}</source>
        <translation>{0} · 음역 {1}</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="145"/>
        <source>Gold: the notes heard in this take · pale gold: your tested range {0}–{1}, which the keys are chosen for</source>
        <translation>금색: 이번 녹음에서 들린 음 · 연한 금색: 측정한 내 음역 {0}–{1} (키를 여기에 맞춰 골라요)</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="149"/>
        <source>Gold: the notes heard in this take · pale gold: the range the keys are chosen for (a guess — “Find my range” measures it)</source>
        <translation>금색: 이번 녹음에서 들린 음 · 연한 금색: 키를 맞추는 음역 (추정치 — ‘내 음역 찾기’로 잴 수 있어요)</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="157"/>
        <source>Songs for your voice, with the key to sing them in (keys chosen for your tested range {0}–{1}):</source>
        <translation>내 목소리에 맞는 곡과 부를 키 (측정한 내 음역 {0}–{1}에 맞춘 키):</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="161"/>
        <source>Songs for your voice, with the key to sing them in (keys chosen for {0}–{1}):</source>
        <translation>내 목소리에 맞는 곡과 부를 키 ({0}–{1} 기준):</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="193"/>
        <source>Keys will be chosen for your tested range {0}–{1}.</source>
        <translation>측정한 내 음역 {0}–{1}에 맞춰 키를 골라 드려요.</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="154"/>
        <source>No song in the catalog fits this voice yet.</source>
        <translation>아직 이 목소리에 맞는 곡이 목록에 없어요.</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="170"/>
        <source>Could not hear your voice</source>
        <translation>목소리를 듣지 못했어요</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="171"/>
        <source>Analysis failed: {0}</source>
        <translation>분석 실패: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sing_page.py" line="184"/>
        <source>Updating the suggestions…</source>
        <translation>추천을 새로 고르는 중…</translation>
    </message>
</context>
<context>
    <name>SongCards</name>
    <message>
        <location filename="../../ui/song_cards.py" line="26"/>
        <source>Original key</source>
        <translation>원래 키</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="29"/>
        <source>Key {0}</source>
        <translation>키 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="31"/>
        <source>octave down</source>
        <translation>한 옥타브 아래</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="33"/>
        <source>octave up</source>
        <translation>한 옥타브 위</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="38"/>
        <source>female singer</source>
        <translation>여성 가수</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="38"/>
        <source>male singer</source>
        <translation>남성 가수</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="39"/>
        <source>mixed voices</source>
        <translation>혼성</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="39"/>
        <source>singer unknown</source>
        <translation>가수 정보 없음</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="47"/>
        <source>voice like {0}, {1:.2f}</source>
        <translation>{0}와(과) 비슷한 목소리, {1:.2f}</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="49"/>
        <source>fits your tested range in this key</source>
        <translation>이 키로 측정한 음역에 맞음</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="50"/>
        <source>fits your range in this key</source>
        <translation>이 키로 음역에 맞음</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="52"/>
        <source>{0:.0%} of the tune in your tested range</source>
        <translation>선율의 {0:.0%}가 측정한 음역 안</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="55"/>
        <source>{0:.0%} of the tune in your range</source>
        <translation>선율의 {0:.0%}가 음역 안</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="82"/>
        <source>Song page</source>
        <translation>곡 정보</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="111"/>
        <source>%p% in your range</source>
        <translation>음역 안 %p%</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="134"/>
        <source>%p% sure</source>
        <translation>확신 %p%</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="134"/>
        <source>%p% — a guess</source>
        <translation>%p% — 추측</translation>
    </message>
    <message>
        <location filename="../../ui/song_cards.py" line="136"/>
        <source>matched at {0} into the song</source>
        <translation>곡의 {0} 지점과 일치</translation>
    </message>
</context>
<context>
    <name>SongPage</name>
    <message>
        <location filename="../../ui/song_page.py" line="57"/>
        <source>← Back</source>
        <translation>← 뒤로</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="58"/>
        <location filename="../../ui/song_page.py" line="123"/>
        <source>Sing this</source>
        <translation>이 곡 부르기</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="74"/>
        <source>Genre</source>
        <translation>장르</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="74"/>
        <source>Year</source>
        <translation>연도</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="75"/>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="75"/>
        <source>Singers</source>
        <translation>가수</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="76"/>
        <source>Range</source>
        <translation>음역</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="76"/>
        <source>Key</source>
        <translation>키</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="76"/>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="84"/>
        <source>Melody</source>
        <translation>선율</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="94"/>
        <source>Similar songs</source>
        <translation>비슷한 곡</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="99"/>
        <source>sung together</source>
        <translation>함께 불린 곡</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="99"/>
        <source>similar melody</source>
        <translation>비슷한 선율</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="100"/>
        <source>same artist, genre or era</source>
        <translation>같은 가수·장르·시대</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="101"/>
        <source>similar voice</source>
        <translation>비슷한 목소리</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="124"/>
        <source>Sing this (key {0})</source>
        <translation>이 곡 부르기 (키 {0})</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="172"/>
        <source>Finding similar songs…</source>
        <translation>비슷한 곡을 찾는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="179"/>
        <source>No similar songs found for this one yet.</source>
        <translation>아직 이 곡과 비슷한 곡을 찾지 못했어요.</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="127"/>
        <source>This song is no longer in the catalog.</source>
        <translation>이 곡은 더 이상 목록에 없어요.</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="134"/>
        <source>Unknown artist</source>
        <translation>가수 미상</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="137"/>
        <source>{range} (mostly {tessitura})</source>
        <translation>{range} (주로 {tessitura})</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="151"/>
        <source>female</source>
        <translation>여성</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="151"/>
        <source>male</source>
        <translation>남성</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="151"/>
        <source>mixed</source>
        <translation>혼성</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="152"/>
        <source>gender unknown</source>
        <translation>성별 미상</translation>
    </message>
    <message>
        <location filename="../../ui/song_page.py" line="160"/>
        <source>not named ({gender})</source>
        <translation>이름 없음 ({gender})</translation>
    </message>
</context>
<context>
    <name>TakeErrors</name>
    <message>
        <location filename="../../ui/take_page.py" line="33"/>
        <source>The recording is too short — sing or hum for a few seconds.</source>
        <translation>녹음이 너무 짧아요 — 몇 초 동안 불러 주거나 허밍해 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/take_page.py" line="35"/>
        <source>The recording is silent — check the microphone and its level.</source>
        <translation>녹음에 소리가 없어요 — 마이크와 입력 음량을 확인해 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/take_page.py" line="37"/>
        <source>Too little singing to hear your voice. Sing a little longer, with held notes.</source>
        <translation>목소리를 알아듣기에 노래가 너무 짧아요. 음을 길게 끌면서 조금 더 불러 주세요.</translation>
    </message>
    <message>
        <location filename="../../ui/take_page.py" line="39"/>
        <source>Too little of a tune was heard. Hum the tune a little longer.</source>
        <translation>선율이 너무 조금 들렸어요. 조금 더 길게 허밍해 주세요.</translation>
    </message>
</context>
</TS>

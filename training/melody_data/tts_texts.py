"""What the TTS voices say: a few sentences per language and sung syllable lines.

Sentences give lyric-like syllables (consonant onsets, varied vowels); the
syllable lines give "la la", "da da", "na na" singing. Keys are language codes
used by :mod:`training.melody_data.tts_voices`.
"""

from __future__ import annotations

SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "The morning light was falling softly on the quiet river.",
        "We sang together all night long under the silver moon.",
        "Hold my hand and walk with me along the golden road.",
        "Every little dream you have will find a way back home.",
        "Rain is falling on the window, and I am thinking of you.",
        "Over the mountains and over the sea, my love is waiting.",
        "Dance with me tonight, the music never ends.",
        "Yellow flowers bloom again when summer comes around.",
    ),
    "it": (
        "Il sole brilla sopra il mare e la luna dorme ancora.",
        "Cantiamo insieme una canzone d'amore questa sera.",
        "La mia casa era vicina al fiume, tra gli alberi verdi.",
        "Vola colomba bianca, vola lontano nel cielo blu.",
        "Quando arriva la primavera tutti i fiori si aprono.",
        "Amore mio, ti aspetto sempre alla finestra.",
    ),
    "ca": (
        "La lluna brilla sobre el mar i les ones canten.",
        "Cantem junts una cancó alegre a la plaça del poble.",
        "El vent del nord porta la neu a les muntanyes.",
        "Vine amb mi a veure com surt el sol de matinada.",
        "Les flors del jardí són vermelles i blanques.",
        "La meva mare cantava cada nit abans de dormir.",
    ),
    "cs": (
        "Na louce kvetou modré květy a ptáci zpívají.",
        "Zazpívej mi píseň o lásce a o domově.",
        "Večer padá na vesnici a hvězdy svítí nad lesem.",
        "Řeka teče pomalu dolů k velkému moři.",
        "Moje milá má oči modré jako nebe.",
        "Půjdeme spolu cestou přes hory a doly.",
    ),
    "fi": (
        "Kesäyö on kaunis ja järven rannalla laulaa lintu.",
        "Minä laulan sinulle laulun rakkaudesta ja kodista.",
        "Talvella lumi peittää metsän ja kylän hiljaisuuteen.",
        "Aurinko nousee aamulla vuorten takaa.",
        "Tule kanssani tanssimaan koko yön.",
        "Äiti lauloi minulle iltaisin kauniita lauluja.",
    ),
    "ru": (
        "Над рекой встаёт луна и поют соловьи.",
        "Я спою тебе песню о любви и о доме.",
        "Зимой белый снег покрывает поля и леса.",
        "Мы пойдём с тобой по дороге до самого моря.",
        "Весной цветут сады и светит яркое солнце.",
        "Мама пела мне тихую песню перед сном.",
    ),
    "hi": (
        "नदी के किनारे चाँद निकला और पंछी गाने लगे।",
        "मैं तुम्हारे लिए प्यार का एक गीत गाता हूँ।",
        "बारिश की बूँदें खिड़की पर धीरे धीरे गिरती हैं।",
        "आओ हम साथ मिलकर नाचें और गाएँ।",
        "सुबह का सूरज पहाड़ों के पीछे से आता है।",
        "माँ रात को मुझे मीठी लोरी सुनाती थी।",
    ),
    "mr": (
        "नदीच्या काठावर चंद्र उगवला आणि पक्षी गाऊ लागले.",
        "मी तुझ्यासाठी प्रेमाचे एक गाणे गातो.",
        "पावसाचे थेंब खिडकीवर हळू हळू पडतात.",
        "चला आपण सगळे मिळून नाचू आणि गाऊ.",
        "सकाळचा सूर्य डोंगराच्या मागून येतो.",
        "आई रात्री मला गोड अंगाई गीत गात असे.",
    ),
    "te": (
        "నది ఒడ్డున చంద్రుడు వచ్చాడు పక్షులు పాడాయి.",
        "నేను నీ కోసం ఒక ప్రేమ పాట పాడతాను.",
        "వాన చినుకులు కిటికీ మీద మెల్లగా పడుతున్నాయి.",
        "రండి మనం అందరం కలిసి ఆడుదాం పాడుదాం.",
        "ఉదయం సూర్యుడు కొండల వెనుక నుండి వస్తాడు.",
        "అమ్మ రాత్రి నాకు తీయని జోల పాట పాడేది.",
    ),
    "de": (
        "Der Mond ist aufgegangen, die goldnen Sternlein prangen.",
        "Wir singen heute Abend ein Lied von Liebe und Heimat.",
        "Im Winter liegt der Schnee auf allen Bergen und Feldern.",
        "Komm mit mir hinunter an den blauen See.",
        "Die Blumen blühen wieder, wenn der Frühling kommt.",
        "Meine Mutter sang mir jeden Abend leise vor.",
    ),
    "fr": (
        "La lune se lève doucement sur la rivière tranquille.",
        "Nous chantons ensemble une chanson d'amour ce soir.",
        "En hiver la neige couvre les montagnes et les champs.",
        "Viens avec moi danser jusqu'au matin.",
        "Les fleurs du jardin sont rouges et blanches au printemps.",
        "Ma mère chantait pour moi chaque soir avant de dormir.",
    ),
    "es": (
        "La luna brilla sobre el mar y las olas cantan.",
        "Cantamos juntos una canción de amor esta noche.",
        "En invierno la nieve cubre los montes y los campos.",
        "Ven conmigo a bailar hasta que salga el sol.",
        "Las flores del jardín son rojas y amarillas.",
        "Mi madre me cantaba cada noche antes de dormir.",
    ),
    "pt": (
        "A lua brilha sobre o mar e as ondas cantam devagar.",
        "Nós cantamos juntos uma canção de amor esta noite.",
        "No inverno a chuva cai sobre a cidade cinzenta.",
        "Vem comigo dançar até o sol nascer.",
        "As flores do jardim são vermelhas e amarelas.",
        "Minha mãe cantava para mim todas as noites.",
    ),
    "ko": (
        "강 위로 달이 뜨고 새들이 노래합니다.",
        "오늘 밤 우리는 함께 사랑의 노래를 불러요.",
        "겨울에는 하얀 눈이 산과 들을 덮어요.",
        "나와 함께 아침까지 춤을 춰요.",
        "봄이 오면 꽃들이 다시 피어납니다.",
        "엄마는 매일 밤 자장가를 불러 주셨어요.",
    ),
    "zh": (
        "月亮升起来了，小鸟在河边唱歌。",
        "今天晚上我们一起唱一首爱的歌。",
        "冬天白雪覆盖了高山和田野。",
        "跟我一起跳舞吧，一直跳到天亮。",
        "春天来了，花儿又开了。",
        "妈妈每天晚上给我唱摇篮曲。",
    ),
    "sw": (
        "Mwezi unachomoza juu ya mto na ndege wanaimba.",
        "Tunaimba pamoja wimbo wa mapenzi usiku huu.",
        "Mvua inanyesha polepole juu ya paa la nyumba.",
        "Njoo tucheze pamoja mpaka asubuhi.",
        "Maua mazuri yanachanua wakati wa masika.",
        "Mama yangu aliniimbia kila usiku kabla ya kulala.",
    ),
    "vi": (
        "Mặt trăng lên cao trên dòng sông và chim hót vang.",
        "Tối nay chúng ta cùng hát một bài ca tình yêu.",
        "Mùa đông tuyết trắng phủ kín núi đồi.",
        "Hãy cùng tôi nhảy múa cho đến sáng.",
        "Mùa xuân đến hoa lại nở khắp nơi.",
        "Mẹ tôi hát ru tôi mỗi tối trước khi ngủ.",
    ),
    "pl": (
        "Księżyc wschodzi nad rzeką i śpiewają ptaki.",
        "Dziś wieczorem zaśpiewamy razem piosenkę o miłości.",
        "Zimą biały śnieg pokrywa góry i pola.",
        "Chodź ze mną tańczyć aż do rana.",
        "Wiosną w ogrodzie znowu kwitną kwiaty.",
        "Mama śpiewała mi każdego wieczoru kołysankę.",
    ),
    "tr": (
        "Nehrin üstünde ay doğuyor ve kuşlar şarkı söylüyor.",
        "Bu gece birlikte bir aşk şarkısı söyleyelim.",
        "Kışın beyaz kar dağları ve tarlaları örter.",
        "Benimle sabaha kadar dans et.",
        "İlkbaharda bahçedeki çiçekler yeniden açar.",
        "Annem her gece bana ninni söylerdi.",
    ),
}

_LATIN_SYLLABLES = (
    "la la la la la la, la la la la.",
    "da da di da da, da di da da da.",
    "na na na na, na na na na na.",
    "lo lo la li lu, ma ma mi mo mu.",
    "ya ya ya, doo doo doo, ba ba ba.",
)

SYLLABLES: dict[str, tuple[str, ...]] = {
    "ru": ("ла ла ла ла ла ла, ла ла ла.", "да да ди да да, на на на на.", "ло ло ла ли лу, ма ма ми мо."),
    "hi": ("ला ला ला ला ला ला, ला ला ला.", "दा दा दी दा दा, ना ना ना ना.", "लो लो ला ली लू, मा मा मी मो."),
    "mr": ("ला ला ला ला ला ला, ला ला ला.", "दा दा दी दा दा, ना ना ना ना.", "लो लो ला ली लू, मा मा मी मो."),
    "te": ("లా లా లా లా లా లా, లా లా లా.", "దా దా దీ దా దా, నా నా నా నా.", "లో లో లా లీ లూ, మా మా మీ మో."),
    "ko": ("라 라 라 라 라 라, 라 라 라.", "다 다 디 다 다, 나 나 나 나.", "로 로 라 리 루, 마 마 미 모."),
    "zh": ("啦啦啦啦啦啦，啦啦啦。", "嗒嗒嘀嗒嗒，哪哪哪哪。", "喽喽啦哩噜，妈妈咪么。"),
}
"""Syllable lines in non-Latin scripts; every other language uses Latin ones."""


def syllable_lines(language: str) -> tuple[str, ...]:
    """The "la/da/na" lines a voice of ``language`` sings."""
    return SYLLABLES.get(language, _LATIN_SYLLABLES)

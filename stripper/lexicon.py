"""Cue words that real sites use in junk lines, in normalised spelling, by the label they hint at.

A cue only adds a feature; the classifier learns how much each is worth in context, so a story
about an app or about advertising still reads as body.
"""

from __future__ import annotations

from .normalize import normalize

CUE_WORDS: dict[str, str] = {}
CUE_PHRASES: dict[str, str] = {}

_CUES = {
    "related": (
        "اقرا اقراي ايضا كذلك المزيد مشابهه مشابه ذات صله علاقه متعلقه مقترحه الاكثر قراءه "
        "يعجبك شاهد شاهدوا فيديو مواضيع موضوعات اخترنا للمزيد التالي السابق اخبار مقالات "
        "تابع_القراءه ذو صله قصص"
    ),
    "promo": (
        "تطبيق التطبيق تحميل حمل لتحميل نزل تابعونا تابعوا تابع لمتابعه اشترك اشتركوا للاشتراك "
        "اشتراك النشره البريديه تيليجرام تلغرام تليجرام واتساب واتس فيسبوك فيس بوك تويتر انستغرام "
        "انستجرام يوتيوب تيك توك قناتنا قناه حسابنا مجانا مجاني اضغط انقر اضغطوا نبض google "
        "telegram whatsapp facebook twitter instagram youtube tiktok subscribe download app متوفر التطبيقات "
        "مشاهدينا"
    ),
    "tags": "كلمات دلاليه الوسوم وسوم مفتاحيه tags tag هاشتاج هاشتاغ الكلمات",
    "source": ("المصدر مصدر المصادر source رابط لمراسله الكاتب بتصرف نقلا وكالات وكاله الانباء via credit"),
    "ad": (
        "اعلان الاعلان اعلانات اعلانيه advertisement advertisements ad ads sponsored ممول برعايه "
        "اشهار الاشهار اشهارات publicité publicite مدعوم pub advertise taboola outbrain"
    ),
    "chrome": (
        "الرئيسيه طباعه تكبير تصغير الخط شارك مشاركه استمع الملخص حقوق محفوظه التعليقات تعليق "
        "تعليقات اضف ارسل لصديق تحديث اخر مشاهده مشاهدات دقائق دقيقه قراءه نسخ الرابط سياسه "
        "الخصوصيه تسجيل الدخول الطقس الذهب الدولار عاجل القائمه بحث الصفحه الاقسام اتصل "
        "بنا من نحن حجم جرينتش غرينتش توقيت مواقيت قيم تقييم cookies cookie privacy login share print "
        "copyright font comment comments ©"
    ),
}
for _label, _words in _CUES.items():
    for _word in _words.split():
        # Lines are normalised before cues are looked up, so the cues are too (على -> علي).
        CUE_WORDS.setdefault(normalize(_word.replace("_", " ")), _label)

_PHRASES = {
    "related": (
        "اقرا ايضا",
        "اقرا المزيد",
        "ذات صله",
        "قد يعجبك",
        "الاكثر قراءه",
        "مقالات مشابهه",
        "اخبار ذات",
        "مواضيع ذات",
        "اخترنا لك",
        "تابع القراءه",
        "الاكثر مشاهده",
        "قصص مقترحه",
        "read more",
        "related",
    ),
    "promo": (
        "عبر تطبيق",
        "تابعونا على",
        "حمل تطبيق",
        "اشترك في",
        "النشره البريديه",
        "google news",
        "جوجل نيوز",
        "لتحميل التطبيق",
        "قناتنا على",
        "نايل سات",
        "عرب سات",
        "تردد قناه",
        "جميع التطبيقات",
        "مشاهدينا الكرام",
        "خدمه الاخبار",
    ),
    "tags": ("كلمات دلاليه", "كلمات مفتاحيه", "الكلمات المفتاحيه"),
    "source": ("المصدر:", "source link", "رابط الخبر", "لمراسله الكاتب", "نقلا عن", "appeared first on", "(النهاية)",
               "صورة من:"),
    "ad": ("مساحه اعلانيه", "[ad_", "اعلان مدفوع", "محتوى مدعوم", "روابط إعلانية", "advertise here"),
    "chrome": (
        "جميع الحقوق",
        "حقوق النشر",
        "تكبير الخط",
        "تصغير الخط",
        "استمع الي",
        "اخر تحديث",
        "سياسه الخصوصيه",
        "تسجيل الدخول",
        "اضف تعليق",
        "نسخ الرابط",
        "حجم الخط",
        "بتوقيت جرينتش",
        "بتوقيت غرينتش",
        "مواقيت الصلاة",
        "قيم هذا",
        "نتيجة البحث",
        "شروط التعليق",
        "الإشراف العام",
        "write comment",
    ),
}
for _label, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        CUE_PHRASES[normalize(_phrase)] = _label

MONTHS = frozenset(
    [
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
        "جانفي",
        "فيفري",
        "افريل",
        "ماي",
        "جوان",
        "جويليه",
        "اوت",
        "كانون",
        "شباط",
        "اذار",
        "نيسان",
        "ايار",
        "حزيران",
        "تموز",
        "اب",
        "ايلول",
        "تشرين",
    ]
)
WEEKDAYS = frozenset(["السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه"])

#: How a paragraph that goes on with the story opens: a conjunction with a verb of saying or a
#: preposition, or a linking phrase ("من جانبه", "وفي السياق ذاته"). A story's first paragraph
#: opens with its subject or a dateline instead, so a paragraph that opens like this, right after
#: a read-also box, is the article going on, not the box's story (decode rule 2, box form). First
#: words are read normalised, so that a word such as "وزير" (which only starts with the letter)
#: is not taken for the conjunction.
CONTINUATION_WORDS = frozenset(normalize(w) for w in (
    "وقال وقالت وأضاف وأضافت وأكد وأكدت وتابع وتابعت وأوضح وأوضحت وأشار وأشارت ولفت ولفتت "
    "وذكر وذكرت وبين وبينت وشدد وشددت واعتبر واعتبرت وكشف وكشفت ونوه ونوهت ورأى ورأت وختم "
    "وكان وكانت ويأتي وتأتي وجاء وجاءت ويذكر ويشار وبحسب ووفق ووفقا وحسب وفي ومن وعلى وبعد "
    "وخلال وقبل ومنذ وبدوره وبدورها كما بدوره بدورها يذكر يشار وأردف وأردفت واستطرد واختتم"
).split())
#: Two-word openings with the same meaning.
CONTINUATION_PAIRS = frozenset(normalize(p) for p in (
    "من جانبه", "من جانبها", "من جهته", "من جهتها", "في السياق", "في المقابل", "في غضون",
    "إلى ذلك", "في سياق", "على صعيد", "في الأثناء", "في حين",
))

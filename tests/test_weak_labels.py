"""Weak labels of real corpus lines: the residue the corpora really carry, and the body lines like it."""

from __future__ import annotations

import pytest

from training.corpora import weak_label


@pytest.mark.parametrize(("line", "label"), [
    ("...المزيد", "related"),
    ("19:23 ت م", "chrome"),
    ("14:18 ت م NNNN", "chrome"),
    ("// انتهى //", "source"),
    ("//يتبع//", "source"),
    ("تاريخ النشر :23 مايو 2012", "chrome"),
    ("بتاريخ 20-5-1433 هـ", "chrome"),
    ("الاربعاء,11 تموز 2012 الموافق 21 شعبان 1433", "chrome"),
    ("** جميع المقالات المنشورة تمثل رأي كتابها فقط.", "chrome"),
    ("**حقوق النشر محفوظة لمجلة القافلة", "chrome"),
    ('* نقلا عن "الحياة" اللندنية', "source"),
    ("*نقلاً عن الرياضية السعودية", "source"),
    ("* خدمة «نيويورك تايمز»", "source"),
    ("* بالاتفاق مع «بلومبيرغ»", "source"),
    ("خاص بـ«الشرق الأوسط»", "source"),
    ("نشر هذا المقال بالتعاون مع موقع التوظيف", "source"),
    ("writer.name@example.com", "source"),
    ("لمراسلة الكاتب: writer@example.com", "source"),
    ("@T_writer", "source"),
    ("osama4855@", "source"),
    ("مقالات أخرى للكاتبعنوان أول!!عنوان ثان", "related"),
    ("Bottom of Form", "chrome"),
    ("السبت 28 يوليوز 2012 آخر تحديث 01:40:21", "chrome"),
    ("88591 - Stc", "promo"),
    ("737221 - Zain", "promo"),
    ("تبدأ بالرمز (123) ثم مسافة ثم نص الرسالة إلى", "promo"),
    ("زين تبدأ بالرمز 162 مسافة ثم الرسالة", "promo"),
    ("الاتصالات ,636250 موبايلي, 738303", "promo"),
])
def test_residue(line: str, label: str) -> None:
    assert weak_label(line) == label


@pytest.mark.parametrize("line", [
    "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس",     # a dateline opens the article
    "عين اليوم – متابعات",                                      # a byline
    "ونقلا عن مصادر مطلعة فإن الاجتماع سيعقد الأسبوع المقبل في العاصمة بحضور الوزراء المعنيين",
    "وقال إن جميع المقالات المنشورة في الصحف المحلية خلال الأسبوع الماضي تناولت القضية نفسها بالتفصيل",
    "للتواصل مع الجمهور افتتحت الوزارة مكتبا جديدا في وسط المدينة",
    "المصدر: إن المفاوضات ستستأنف الأسبوع المقبل، وإن الوفدين اتفقا على جدول أعمال يشمل الحدود والمياه.",
])
def test_body_lines_like_residue_stay_body(line: str) -> None:
    assert weak_label(line) == "body"

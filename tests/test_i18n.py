"""The Chinese catalog: every marked string is extracted and translated, the translation keeps the
placeholders, markup and formulas of its English and uses the tutorial's terms as the glossary says;
the page's language follows set_language and the browser's locale.

A developer who adds or changes a string runs `python -m playground.i18n extract` and translates it
in locale/zh_CN/LC_MESSAGES/playground.po; these tests say which message is missing and why."""
import ast
import contextvars
import csv
import gettext
import os
import re
import string

import pytest
from babel.messages.pofile import read_po

from playground import i18n

PACKAGE = os.path.dirname(os.path.abspath(i18n.__file__))
GLOSSARY = os.path.join(i18n.LOCALE_DIR, "glossary.csv")
PLACEHOLDER = re.compile(r"%?\{[^{}]*\}")  # str.format fields, and plotly's %{x} in hover templates
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
UNCHANGED = {"Keras (TensorFlow)", "R²"}  # read the same in a Chinese classroom
MARKS = ("<br>", "**", "→", "·")  # markup and arrows, kept as many times as in the English
MATH = set("∂Σα←−·≤≈′²₁₂‖Δ=|→%")  # a word with one of these is part of a formula: kept as it is
IDENTIFIERS = ("tanh", "relu", "ReLU", "sigmoid", "softmax", "sgd", "adam", "Adam", "XOR", "x1", "x2", "W1", "b1",
               "W2", "b2", "L1", "L2", "l1", "l2", "He", "NumPy", "Keras", "TensorFlow", "MNIST", "mnist", "CSV",
               "Python", "scikit-learn", "float32", "float64", ".npz", ".csv", ".py", ".keras", "numpy.load(file)",
               "keras.saving.load_model(file)", "thinned", "ln 2")


@pytest.fixture(scope="module")
def catalog():
    with open(i18n.catalog_path("zh"), "rb") as file:
        return read_po(file, locale=i18n.CATALOG_LOCALES["zh"])


@pytest.fixture(scope="module")
def template():
    return i18n.extract()


def messages(catalog):
    return [message for message in catalog if message.id]


def forms(message):
    """The English of a message: (msgid,) or (singular, plural)."""
    return message.id if isinstance(message.id, tuple) else (message.id,)


def translations_of(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


def singular(message):
    return forms(message)[0]


def in_language(language, function, *args):
    """function(*args) with the page's language set to `language`, in a context of its own, as in one
    script run of a session: the language set here does not leak into the other tests."""
    def run():
        i18n.set_language(language)
        return function(*args)
    return contextvars.copy_context().run(run)


# Extraction: the catalog on disk holds every marked string.

def marked_in_source():
    """(where, message) of every message written in place in a call of _, N_ or ngettext in the package,
    and (where, why) of every call whose message extraction cannot read."""
    found, unreadable = [], []
    for folder, _folders, files in os.walk(PACKAGE):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as file:
                tree = ast.parse(file.read(), path)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in i18n.KEYWORDS):
                    continue
                where = f"{os.path.relpath(path, os.path.dirname(PACKAGE))}:{node.lineno}"
                for argument in node.args[:2 if node.func.id == "ngettext" else 1]:
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found.append((where, argument.value))
                    elif isinstance(argument, (ast.JoinedStr, ast.BinOp)):
                        unreadable.append((where, "an f-string or a sum of strings: mark one whole string, "
                                                  "with {placeholders} filled by .format()"))
    return found, unreadable


def test_every_marked_string_is_extracted(template):
    found, unreadable = marked_in_source()
    assert len(found) > 200  # the page's strings, not an empty walk
    assert not unreadable
    extracted = {text for message in template if message.id for text in forms(message)}
    assert [(where, text) for where, text in found if text not in extracted] == []


def test_the_catalog_on_disk_is_up_to_date_with_the_code(template, catalog):
    """Run `python -m playground.i18n extract` after changing a marked string, then translate it."""
    extracted = {message.id for message in template if message.id}
    on_disk = {message.id for message in messages(catalog)}
    assert sorted(map(str, extracted - on_disk)) == [], "new strings: run python -m playground.i18n extract"
    assert sorted(map(str, on_disk - extracted)) == [], "strings gone from the code: run python -m playground.i18n extract"
    with open(os.path.join(i18n.LOCALE_DIR, f"{i18n.DOMAIN}.pot"), "rb") as file:
        assert {message.id for message in read_po(file) if message.id} == extracted


def test_every_message_has_a_chinese_translation(catalog):
    assert len(messages(catalog)) > 200
    fuzzy = [singular(m) for m in messages(catalog) if m.fuzzy]
    empty = [singular(m) for m in messages(catalog) if not all(translations_of(m))]
    english = [singular(m) for m in messages(catalog) if singular(m) not in UNCHANGED
               and not all(CHINESE.search(text) for text in translations_of(m))]
    assert (fuzzy, empty, english) == ([], [], [])


# The translation keeps what the code and the page rely on.

def fields(text):
    """The str.format fields of `text`: {(name, format spec, conversion)}."""
    return {(name, spec, conversion) for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None}


def dummy_arguments(text):
    """A value for every field of `text` that its format spec accepts: a number where the spec formats
    one ({loss:.4f}, {accuracy:.1%}), a string where there is no spec ({engine})."""
    return {name: 1.25 if spec else f"<{name}>" for name, spec, _conversion in fields(text)}


def test_python_formats_every_translation_with_the_arguments_of_its_english(catalog):
    problems = []
    for message in messages(catalog):
        arguments = dummy_arguments(singular(message))
        for english in forms(message):
            english.format(**arguments)
        for chinese in translations_of(message):
            try:
                chinese.format(**arguments)
            except (KeyError, ValueError, IndexError) as error:
                problems.append((singular(message), chinese, repr(error)))
                continue
            if fields(chinese) != fields(singular(message)):
                problems.append((singular(message), chinese, "other placeholders than the English"))
    assert problems == []


def kept_words(english):
    """What a translation keeps of `english`: formula words and identifiers."""
    words = {word.strip(".,;:()") for word in PLACEHOLDER.sub(" ", english).split()}
    formulas = {word for word in words if MATH & set(word)}
    identifiers = {name for name in IDENTIFIERS if identifier_count(name, english)}
    return formulas | identifiers


def identifier_count(name, text):
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(name)}s?(?![A-Za-z0-9_])", PLACEHOLDER.sub(" ", text)))


def test_translations_keep_markup_formulas_and_identifiers(catalog):
    problems = []
    for message in messages(catalog):
        english = singular(message)
        for chinese in translations_of(message):
            if sorted(re.findall(r"%\{[^}]*\}", chinese)) != sorted(re.findall(r"%\{[^}]*\}", english)):
                problems.append((english, chinese, "plotly template"))
            problems += [(english, chinese, mark) for mark in MARKS if chinese.count(mark) != english.count(mark)]
            problems += [(english, chinese, word) for word in sorted(kept_words(english)) if word not in chinese]
            problems += [(english, chinese, name) for name in IDENTIFIERS
                         if identifier_count(name, chinese) < identifier_count(name, english)]
    assert problems == []


# The tutorial's terms.

def read_glossary():
    with open(GLOSSARY, encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        return header, [tuple(row) for row in reader]


def term_pattern(term):
    """`term` as whole words, in any case, singular or plural: "weight" finds "Weights"."""
    words = r"\s+".join(map(re.escape, term.split()))
    return re.compile(rf"\b{words}(?:s|es)?\b", re.IGNORECASE)


def glossary_problems(pairs, glossary):
    """(English, Chinese, term) for every (msgid, msgstr) in `pairs` whose msgid says a glossary term where
    its msgstr lacks the term's Chinese. Placeholders are not words; a term inside a longer term of the
    glossary belongs to that term ("batch" in "batch size", 批量大小)."""
    patterns = [(en, zh, term_pattern(en)) for en, zh in glossary]
    problems = []
    for english, chinese in pairs:
        text = PLACEHOLDER.sub(" ", english)
        spans = {en: [match.span() for match in pattern.finditer(text)] for en, _zh, pattern in patterns}
        every = [span for found in spans.values() for span in found]
        for en, zh, _pattern in patterns:
            own = [(start, end) for start, end in spans[en] if not any(
                s <= start and end <= e and e - s > end - start for s, e in every)]
            if own and zh not in chinese:
                problems.append((english, chinese, en))
    return problems


def test_the_glossary_is_a_two_column_table_of_chinese_terms():
    header, rows = read_glossary()
    assert header == ["en", "zh"]
    assert all(len(row) == 2 and row[0].strip() == row[0] and CHINESE.search(row[1]) for row in rows), rows
    english = [en.lower() for en, _zh in rows]
    assert len(english) == len(set(english))
    tutorial = {"neural network": "神经网络", "neuron": "神经元", "input layer": "输入层", "hidden layer": "隐藏层",
                "output layer": "输出层", "weight": "权重", "bias": "偏置", "activation function": "激活函数",
                "loss function": "损失函数", "mean squared error": "均方误差", "cross-entropy": "交叉熵",
                "gradient descent": "梯度下降", "learning rate": "学习率", "forward propagation": "前向传播",
                "backward propagation": "后向传播", "backpropagation": "后向传播", "batch size": "批量大小",
                "regularization": "正则化", "standardization": "标准化", "training set": "训练集",
                "test set": "测试集", "accuracy": "准确率"}
    assert {en: zh for en, zh in rows if en in tutorial} == tutorial


def test_the_glossary_check_finds_a_wrong_term_and_spares_longer_terms_and_placeholders():
    _header, glossary = read_glossary()
    assert glossary_problems([("Learning rate", "学习速度")], glossary) == [("Learning rate", "学习速度", "learning rate")]
    assert glossary_problems([("Test accuracy", "测试精度")], glossary) == [("Test accuracy", "测试精度", "accuracy")]
    assert glossary_problems([("Batch size", "批量大小"), ("{layer} · neuron {neuron}", "{layer} · 神经元 {neuron}")],
                             glossary) == []


def test_the_catalog_says_every_term_as_the_glossary_does(catalog):
    _header, glossary = read_glossary()
    pairs = [(english, chinese) for message in messages(catalog) for english in forms(message)
             for chinese in translations_of(message)]
    assert glossary_problems(pairs, glossary) == []


def test_backpropagation_is_the_tutorials_term_and_the_common_one_is_said_once(catalog):
    said = [chinese for message in messages(catalog) for chinese in translations_of(message) if "反向传播" in chinese]
    assert len(said) == 1 and "后向传播（又称反向传播）" in said[0]


# The language of the page.

def test_the_chinese_catalog_loads_with_every_translation(catalog):
    translations = i18n.translations("zh")
    assert isinstance(translations, gettext.GNUTranslations)
    singulars = [m for m in messages(catalog) if not isinstance(m.id, tuple)]
    assert [m.id for m in singulars if translations.gettext(m.id) != m.string] == []


def test_set_language_switches_between_chinese_and_english():
    assert in_language("zh", i18n._, "Training loss") == "训练损失"
    assert in_language("zh", i18n.language) == "zh"
    assert in_language("en", i18n._, "Training loss") == "Training loss"
    assert in_language("zh", lambda: i18n._(i18n.N_("Backward pass"))) == "后向传播"


def test_an_unknown_language_falls_back_to_english():
    assert in_language("fr", i18n.language) == i18n.DEFAULT == "en"
    assert in_language("fr", i18n._, "Training loss") == "Training loss"
    assert in_language(None, i18n._, "Learning rate") == "Learning rate"
    assert isinstance(i18n.translations("fr"), gettext.NullTranslations)
    assert i18n.language() == "en"  # the contexts above left this one alone


VANISHING = ("Vanishing gradients: layer {layers} gets a gradient {ratio:.1e} times the last layer's, so it barely "
             "learns.", "Vanishing gradients: layers {layers} get a gradient {ratio:.1e} times the last layer's, "
                        "so they barely learn.")


def test_a_sentence_with_a_number_is_chinese_for_one():
    assert in_language("zh", i18n.ngettext, *VANISHING, 1).startswith("梯度消失")
    assert in_language("en", i18n.ngettext, *VANISHING, 2) == VANISHING[1]


def test_a_sentence_with_a_number_is_chinese_for_many():
    assert in_language("zh", i18n.ngettext, *VANISHING, 2).startswith("梯度消失")



def test_the_stop_message_is_said_in_both_languages():
    from playground.ui.controls import stop_message
    stopped = (212, "test_score", 0.95)
    assert in_language("en", stop_message, stopped, "binary") == "Stopped at epoch 212: the test accuracy reached 0.95."
    assert in_language("zh", stop_message, stopped, "binary") == "已在第 212 轮停止：测试准确率达到 0.95。"
    assert in_language("zh", stop_message, (40, "test_loss", 0.3), "binary") == "已在第 40 轮停止：测试损失降到 0.3。"
    assert in_language("zh", stop_message, (9, "test_score", 0.8), "regression") == "已在第 9 轮停止：测试 R² 达到 0.8。"
    assert in_language("zh", stop_message, (50, "epoch", 50), "binary") == "已在第 50 轮停止，即设定的停止轮数。"

@pytest.mark.parametrize("locale, language", [
    ("zh-CN", "zh"), ("zh-TW", "zh"),  # no Traditional catalog: Simplified reads closer than English
    ("zh", "zh"), ("ZH-cn", "zh"), ("en-US", "en"), ("en", "en"), ("fr-FR", "en"), ("", "en"), (None, "en")])
def test_best_language_for_a_browser_locale(locale, language):
    assert i18n.best_language(locale) == language

"""Code lists of the 建档立卡 register (national form, 2016+ system)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered poor (not exited)")
    EXITED = "exited", _("Exited, still receiving support")
    EXITED_NO_POLICY = "exited_no_policy", _("Exited, no longer receiving support")
    RELAPSED = "relapsed", _("Relapsed into poverty")
    REMOVED = "removed", _("Removed (wrongly registered)")
    EDGE = "edge", _("Edge household (monitored, not registered)")


# Which status changes the register allows through `household_change_status`. Exits go
# through the exit procedure; this map covers the other moves.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset({Status.REMOVED}),
    Status.EXITED: frozenset({Status.EXITED_NO_POLICY, Status.RELAPSED}),
    Status.EXITED_NO_POLICY: frozenset({Status.RELAPSED}),
    Status.RELAPSED: frozenset({Status.EXITED, Status.REMOVED}),
    Status.REMOVED: frozenset(),
    Status.EDGE: frozenset({Status.REGISTERED}),
}


class PovertyAttribute(models.TextChoices):
    GENERAL = "general", _("General poor household")
    DIBAO = "dibao", _("Minimum-living-allowance poor household")
    TEKUN = "tekun", _("Extreme-poverty-support household")


class IdentificationStandard(models.TextChoices):
    NATIONAL = "national", _("National standard")
    PROVINCIAL = "provincial", _("Provincial standard")
    CITY = "city", _("City standard")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Disaster")
    LAND = "land", _("Lack of land")
    WATER = "water", _("Lack of water")
    SKILLS = "skills", _("Lack of skills")
    LABOUR = "labour", _("Lack of labour")
    CAPITAL = "capital", _("Lack of capital")
    TRANSPORT = "transport", _("Poor transport")
    MOTIVATION = "motivation", _("Lack of motivation")
    OTHER = "other", _("Other")


class HousingGrade(models.TextChoices):
    A = "A", _("A: safe")
    B = "B", _("B: basically safe")
    C = "C", _("C: locally dangerous")
    D = "D", _("D: dangerous as a whole")


SAFE_HOUSING_GRADES = frozenset({HousingGrade.A, HousingGrade.B})


class RoadType(models.TextChoices):
    DIRT = "dirt", _("Dirt road")
    GRAVEL = "gravel", _("Gravel road")
    CEMENT = "cement", _("Cement road")
    ASPHALT = "asphalt", _("Asphalt road")


class Fuel(models.TextChoices):
    FIREWOOD = "firewood", _("Firewood and straw")
    DUNG = "dung", _("Dried dung")
    COAL = "coal", _("Coal")
    CLEAN = "clean", _("Clean energy")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    HEAD = "01", _("Head of household")
    SPOUSE = "02", _("Spouse")
    SON = "03", _("Son")
    DAUGHTER = "04", _("Daughter")
    DAUGHTER_IN_LAW = "05", _("Daughter-in-law")
    SON_IN_LAW = "06", _("Son-in-law")
    GRANDSON = "07", _("Grandson")
    GRANDDAUGHTER = "08", _("Granddaughter")
    DAUGHTERS_SON = "09", _("Daughter's son")
    DAUGHTERS_DAUGHTER = "10", _("Daughter's daughter")
    FATHER = "11", _("Father")
    MOTHER = "12", _("Mother")
    FATHER_IN_LAW_W = "13", _("Wife's father")
    MOTHER_IN_LAW_W = "14", _("Wife's mother")
    FATHER_IN_LAW_H = "15", _("Husband's father")
    MOTHER_IN_LAW_H = "16", _("Husband's mother")
    GRANDFATHER = "17", _("Grandfather")
    GRANDMOTHER = "18", _("Grandmother")
    MATERNAL_GRANDFATHER = "19", _("Maternal grandfather")
    MATERNAL_GRANDMOTHER = "20", _("Maternal grandmother")
    # The later relations of the national list. Their labels are the national ones; the
    # numbers 21–27 are the register's own (the national numbering of these is not known), so
    # a file gives them by label.
    SIBLING = "21", _("Brother or sister")
    SIBLING_IN_LAW = "22", _("Brother's wife")
    NEPHEW = "23", _("Nephew")
    NIECE = "24", _("Niece")
    UNCLE = "25", _("Father's brother")
    GREAT_GRANDSON = "26", _("Great-grandson")
    GREAT_GRANDDAUGHTER = "27", _("Great-granddaughter")
    OTHER = "99", _("Other")


class Ethnicity(models.TextChoices):
    """民族 by its GB 3304 code: the 56 nationalities in the standard's order, 97 其他, 98
    外国血统中国籍人士. The labels have their own context: Django translates the same English
    words (Korean, Uyghur …) as the names of languages."""

    HAN = "01", pgettext_lazy("nationality", "Han")
    MONGOL = "02", pgettext_lazy("nationality", "Mongol")
    HUI = "03", pgettext_lazy("nationality", "Hui")
    TIBETAN = "04", pgettext_lazy("nationality", "Tibetan")
    UYGHUR = "05", pgettext_lazy("nationality", "Uyghur")
    MIAO = "06", pgettext_lazy("nationality", "Miao")
    YI = "07", pgettext_lazy("nationality", "Yi")
    ZHUANG = "08", pgettext_lazy("nationality", "Zhuang")
    BUYI = "09", pgettext_lazy("nationality", "Buyi")
    KOREAN = "10", pgettext_lazy("nationality", "Korean")
    MANCHU = "11", pgettext_lazy("nationality", "Manchu")
    DONG = "12", pgettext_lazy("nationality", "Dong")
    YAO = "13", pgettext_lazy("nationality", "Yao")
    BAI = "14", pgettext_lazy("nationality", "Bai")
    TUJIA = "15", pgettext_lazy("nationality", "Tujia")
    HANI = "16", pgettext_lazy("nationality", "Hani")
    KAZAKH = "17", pgettext_lazy("nationality", "Kazakh")
    DAI = "18", pgettext_lazy("nationality", "Dai")
    LI = "19", pgettext_lazy("nationality", "Li")
    LISU = "20", pgettext_lazy("nationality", "Lisu")
    VA = "21", pgettext_lazy("nationality", "Va")
    SHE = "22", pgettext_lazy("nationality", "She")
    GAOSHAN = "23", pgettext_lazy("nationality", "Gaoshan")
    LAHU = "24", pgettext_lazy("nationality", "Lahu")
    SHUI = "25", pgettext_lazy("nationality", "Shui")
    DONGXIANG = "26", pgettext_lazy("nationality", "Dongxiang")
    NAXI = "27", pgettext_lazy("nationality", "Naxi")
    JINGPO = "28", pgettext_lazy("nationality", "Jingpo")
    KYRGYZ = "29", pgettext_lazy("nationality", "Kyrgyz")
    TU = "30", pgettext_lazy("nationality", "Tu")
    DAUR = "31", pgettext_lazy("nationality", "Daur")
    MULAO = "32", pgettext_lazy("nationality", "Mulao")
    QIANG = "33", pgettext_lazy("nationality", "Qiang")
    BLANG = "34", pgettext_lazy("nationality", "Blang")
    SALAR = "35", pgettext_lazy("nationality", "Salar")
    MAONAN = "36", pgettext_lazy("nationality", "Maonan")
    GELAO = "37", pgettext_lazy("nationality", "Gelao")
    XIBE = "38", pgettext_lazy("nationality", "Xibe")
    ACHANG = "39", pgettext_lazy("nationality", "Achang")
    PUMI = "40", pgettext_lazy("nationality", "Pumi")
    TAJIK = "41", pgettext_lazy("nationality", "Tajik")
    NU = "42", pgettext_lazy("nationality", "Nu")
    UZBEK = "43", pgettext_lazy("nationality", "Uzbek")
    RUSSIAN = "44", pgettext_lazy("nationality", "Russian")
    EVENKI = "45", pgettext_lazy("nationality", "Evenki")
    DEANG = "46", pgettext_lazy("nationality", "De'ang")
    BONAN = "47", pgettext_lazy("nationality", "Bonan")
    YUGUR = "48", pgettext_lazy("nationality", "Yugur")
    GIN = "49", pgettext_lazy("nationality", "Gin")
    TATAR = "50", pgettext_lazy("nationality", "Tatar")
    DERUNG = "51", pgettext_lazy("nationality", "Derung")
    OROQEN = "52", pgettext_lazy("nationality", "Oroqen")
    HEZHEN = "53", pgettext_lazy("nationality", "Hezhen")
    MONBA = "54", pgettext_lazy("nationality", "Monba")
    LHOBA = "55", pgettext_lazy("nationality", "Lhoba")
    JINO = "56", pgettext_lazy("nationality", "Jino")
    OTHER = "97", pgettext_lazy("nationality", "Other ethnicity")
    FOREIGN_BORN = "98", pgettext_lazy("nationality", "Foreign-born Chinese citizen")


class PoliticalStatus(models.TextChoices):
    """政治面貌 by its GB/T 4762 code (empty: not recorded; older exports leave it out)."""

    CPC = "01", _("Member of the Communist Party of China")
    CPC_PROBATIONARY = "02", _("Probationary member of the Communist Party of China")
    YOUTH_LEAGUE = "03", _("Member of the Communist Youth League")
    RCCK = "04", _("Member of the Revolutionary Committee of the Chinese Kuomintang")
    CDL = "05", _("Member of the China Democratic League")
    CNDCA = "06", _("Member of the China National Democratic Construction Association")
    CAPD = "07", _("Member of the China Association for Promoting Democracy")
    CPWDP = "08", _("Member of the Chinese Peasants' and Workers' Democratic Party")
    ZHI_GONG = "09", _("Member of the China Zhi Gong Party")
    JIUSAN = "10", _("Member of the Jiusan Society")
    TDSGL = "11", _("Member of the Taiwan Democratic Self-Government League")
    NON_PARTY = "12", _("Non-party personage")
    MASSES = "13", _("Ordinary citizen")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    ILLITERATE = "illiterate", _("Illiterate or semi-literate")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    COLLEGE = "college", _("College and above")
    PRESCHOOL_AGE = "preschool_age", _("Pre-school child")


class Schooling(models.TextChoices):
    """在校生状况 by grade, in the national order; 送教上门 (taught at home, for a child with a
    disability) is Guizhou's addition. A member not in school has 非在校生 or nothing here, and
    a 文化程度 instead (``standards.NOT_IN_SCHOOL``)."""

    NOT_IN_SCHOOL = "not_in_school", _("Not in school")
    PRESCHOOL = "preschool", _("Pre-school education")
    PRIMARY = "primary", _("Primary school")
    GRADE_7 = "grade_7", _("Grade 7")
    GRADE_8 = "grade_8", _("Grade 8")
    GRADE_9 = "grade_9", _("Grade 9")
    SENIOR_1 = "senior_1", _("Senior middle school, year 1")
    SENIOR_2 = "senior_2", _("Senior middle school, year 2")
    SENIOR_3 = "senior_3", _("Senior middle school, year 3")
    VOCATIONAL_SECONDARY_1 = "vocational_secondary_1", _("Secondary vocational school, year 1")
    VOCATIONAL_SECONDARY_2 = "vocational_secondary_2", _("Secondary vocational school, year 2")
    VOCATIONAL_SECONDARY_3 = "vocational_secondary_3", _("Secondary vocational school, year 3")
    VOCATIONAL_HIGHER_1 = "vocational_higher_1", _("Higher vocational school, year 1")
    VOCATIONAL_HIGHER_2 = "vocational_higher_2", _("Higher vocational school, year 2")
    VOCATIONAL_HIGHER_3 = "vocational_higher_3", _("Higher vocational school, year 3")
    COLLEGE = "college", _("College and above")
    HOME_TAUGHT = "home_taught", _("Taught at home (送教上门)")


# The grades of compulsory education (义务教育: 小学 to 九年级; 送教上门 is compulsory education
# at home).
COMPULSORY_GRADES = frozenset(
    {
        Schooling.PRIMARY,
        Schooling.GRADE_7,
        Schooling.GRADE_8,
        Schooling.GRADE_9,
        Schooling.HOME_TAUGHT,
    }
)


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Long-term chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")
    CHRONIC_DISABLED = "chronic_disabled", _("Long-term chronic illness and disabled")
    SERIOUS_DISABLED = "serious_disabled", _("Serious illness and disabled")


# The health statuses that include a serious illness, and those that include a disability.
SERIOUSLY_ILL = frozenset({Health.SERIOUS, Health.SERIOUS_DISABLED})
WITH_DISABILITY = frozenset({Health.DISABLED, Health.CHRONIC_DISABLED, Health.SERIOUS_DISABLED})


class LabourAbility(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary labour")
    SKILLED = "skilled", _("Skilled labour")
    WEAK = "weak", _("Weak or half labour")
    LOST = "lost", _("Lost labour ability")
    NONE = "none", _("No labour ability")


WITH_LABOUR = frozenset({LabourAbility.ORDINARY, LabourAbility.SKILLED, LabourAbility.WEAK})


class WorkStatus(models.TextChoices):
    NONE = "", _("Not working away")
    IN_TOWNSHIP = "in_township", _("Working in the township")
    IN_COUNTY = "in_county", _("Working outside the township, in the county")
    IN_PROVINCE = "in_province", _("Working outside the county, in the province")
    OUT_OF_PROVINCE = "out_of_province", _("Working outside the province")
    OTHER = "other", _("Other")


class MeasureKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    FINANCE = "finance", _("Finance (micro-credit)")
    RELOCATION = "relocation", _("Relocation")
    HOUSING = "housing", _("Dangerous-house renovation")
    ECOLOGY = "ecology", _("Ecology (forest rangers etc.)")
    SAFETY_NET = "safety_net", _("Safety net")
    PUBLIC_JOB = "public_job", _("Public-welfare job")


class LineKind(models.TextChoices):
    NATIONAL = "national", _("National poverty line")
    MONITORING = "monitoring", _("Monitoring line (return to poverty)")

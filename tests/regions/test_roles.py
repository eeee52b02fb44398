"""``regions.roles``: the one check of who may do what, and no copy of it anywhere else."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template import engines

from regions import roles
from regions.roles import (
    CAPTURE_ROLES,
    EXIT_VERIFY_ROLES,
    STATUS_ROLES,
    May,
    has_role,
    require_page_role,
    require_role,
)
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
YANHE_VILLAGE = "520627100200"
BIJIANG_VILLAGE = "520602100200"


def test_require_role_refuses_a_wrong_role_with_the_domain_error(cadre_yanhe):
    with pytest.raises(DomainError) as refused:
        require_role(cadre_yanhe, STATUS_ROLES)

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == "您的角色无权执行此操作。"  # "Your role may not do this."


def test_require_role_passes_the_right_role(cadre_yanhe, county_supervisor):
    require_role(cadre_yanhe, CAPTURE_ROLES)
    require_role(county_supervisor, STATUS_ROLES)


def test_require_role_with_a_region_refuses_another_jurisdiction(cadre_yanhe):
    require_role(cadre_yanhe, CAPTURE_ROLES, YANHE_VILLAGE)

    with pytest.raises(DomainError) as refused:
        require_role(cadre_yanhe, CAPTURE_ROLES, BIJIANG_VILLAGE)

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)


def test_require_role_with_several_regions_needs_one_in_the_jurisdiction(cadre_yanhe):
    require_role(cadre_yanhe, CAPTURE_ROLES, (BIJIANG_VILLAGE, YANHE_VILLAGE))

    with pytest.raises(DomainError):
        require_role(cadre_yanhe, CAPTURE_ROLES, (BIJIANG_VILLAGE,))


def test_an_operator_holds_every_role_everywhere(operator):
    for name, role_set in roles.ROLE_SETS.items():
        assert has_role(operator, role_set, BIJIANG_VILLAGE) is True, name

    require_role(operator, STATUS_ROLES, YANHE_VILLAGE)


@pytest.mark.parametrize("cast", ["unassigned_user", "anonymous"])
def test_nobody_without_an_assignment_holds_a_role(request, cast):
    user = AnonymousUser() if cast == "anonymous" else request.getfixturevalue(cast)

    assert has_role(user, roles.ALL_ROLES) is False
    with pytest.raises(DomainError):
        require_role(user, roles.ALL_ROLES)


def test_require_page_role_refuses_with_the_403_page(cadre_yanhe):
    require_page_role(cadre_yanhe, CAPTURE_ROLES, YANHE_VILLAGE)

    with pytest.raises(PermissionDenied):
        require_page_role(cadre_yanhe, STATUS_ROLES)
    with pytest.raises(PermissionDenied):
        require_page_role(cadre_yanhe, CAPTURE_ROLES, BIJIANG_VILLAGE)


def test_templates_ask_may_about_the_same_sets(work_team_yanhe, cadre_yanhe):
    template = engines["django"].from_string("{% if may.exit_verify %}verify{% endif %}")

    assert template.render({"may": May(work_team_yanhe)}) == "verify"
    assert template.render({"may": May(cadre_yanhe)}) == ""
    assert May(work_team_yanhe)["exit_verify"] is has_role(work_team_yanhe, EXIT_VERIFY_ROLES)


def test_every_may_in_the_templates_names_a_role_set():
    used = {
        name
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
        for name in re.findall(r"\bmay\.(\w+)", path.read_text(encoding="utf-8"))
    }

    assert used  # the exit and monitoring pages use it
    assert used - set(roles.ROLE_SETS) == set()


# -- no copies ------------------------------------------------------------------------------------

CHECK_NAMES = {"has_role", "role_of", "require_role", "require_page_role"}


def _project_modules() -> list[Path]:
    """Every module of the project's packages (those the import contract knows)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["importlinter"]["root_packages"]
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))]


def _builds_a_role_set(node: ast.expr) -> bool:
    for part in ast.walk(node):
        if isinstance(part, ast.Set | ast.SetComp):
            return True
        if isinstance(part, ast.Call) and getattr(part.func, "id", "") in {"frozenset", "set"}:
            return True
        if isinstance(part, ast.Name) and part.id == "Role":
            return True
    return False


def role_check_copies(source: str) -> list[str]:
    """The role checks and role sets that a module's ``source`` defines for itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in {"_require", "_forbidden"}
            or node.name.startswith("_require_")
            or node.name in CHECK_NAMES
        ):
            found.append(f"def {node.name}")
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = getattr(target, "id", "")
                if name.endswith("_ROLES") and node.value and _builds_a_role_set(node.value):
                    found.append(f"{name} = …")
    return found


def test_no_module_but_regions_roles_defines_a_role_check_or_a_role_set():
    copies = [
        f"{path.relative_to(ROOT)}: {copy}"
        for path in _project_modules()
        if path != ROOT / "regions" / "roles.py"
        for copy in role_check_copies(path.read_text(encoding="utf-8"))
    ]

    assert copies == []


@pytest.mark.parametrize(
    "source",
    [
        "def _require(actor, roles):\n    pass\n",
        "def _require_page_role(request):\n    pass\n",
        "def _forbidden():\n    pass\n",
        "VISIT_ROLES = frozenset({Role.WORK_TEAM})\n",
        "PAGE_ROLES: frozenset[str] = frozenset(Role.values) - {Role.API_CLIENT}\n",
        "STEP_ROLES = {'verified': frozenset({'work_team'})}\n",
    ],
)
def test_the_scan_finds_a_copy(source):
    assert len(role_check_copies(source)) == 1

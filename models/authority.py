"""Who may call what: every public function and method of models/ and exports/ declares
one rule with ``@rule(...)``, and the rule is checked before the function runs.

Rules (``Rule.kind``):

- ``PUBLIC``: touches no unit's data (plan structure, parsing, layout, file helpers);
- ``SIGNED_IN``: any signed-in actor (own password, own log lines); the function may then
  ``demand`` a stricter rule once it knows what it acts on (a package's kind, a template's unit);
- ``UNIT``: the data of one unit, named by an argument (``unit="unit"``) or worked out
  from the arguments (a project's unit from its uid). Allowed: the clerk of that unit and
  the leadership office; with ``read=True`` also the local administrator of a bureau
  installed as that unit. No unit (``None``: every unit) means the office only;
- ``OFFICE``: a reviewer or administrator of the leadership office;
- ``OFFICE_ADMIN``: an administrator of the leadership office;
- ``ADMIN``: an administrator of this PC (the office's, or a bureau's local
  administrator): accounts, backups, the event log;
- ``INTERNAL``: a building block the services above call after their own rule was
  checked (the store, settings, merge steps); ``ui/`` never calls these;
- ``STARTUP``: runs before anyone signs in (signing in, first run, opening and
  recovering the database); a fixed list, checked by tests/test_authority.py.

A module (or a package, for all its modules) that touches no unit's data at all may declare
that once: ``__authority__ = module_rule(PUBLIC, why=...)``; tests/test_authority.py then
checks that it does not use the database (``App``, ``Store``).

A bureau installation never has office powers: an administrator there (or the command
line, ``cli_actor``) is a local administrator, whatever the ``Actor`` says, because the
check also looks at the database's installation. Refusals raise ``PermissionDenied``
with a Chinese message saying who may do it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from models.errors import PermissionDenied

CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
ROLES = (CLERK, REVIEWER, ADMIN)

PUBLIC, SIGNED_IN, UNIT, OFFICE, OFFICE_ADMIN, ADMIN_RULE, INTERNAL, STARTUP = (
    "public", "signed_in", "unit", "office", "office_admin", "admin", "internal", "startup")
KINDS = (PUBLIC, SIGNED_IN, UNIT, OFFICE, OFFICE_ADMIN, ADMIN_RULE, INTERNAL, STARTUP)
UNCHECKED = (PUBLIC, INTERNAL, STARTUP)

F = TypeVar("F", bound=Callable[..., Any])
UnitSpec = str | Callable[["Args"], Any] | None


@dataclass(frozen=True)
class Rule:
    """The declared rule of one function: who may call it and, for UNIT, which unit."""

    kind: str
    unit: UnitSpec = None
    read: bool = False
    what: str = ""
    why: str = ""

    def describe(self) -> str:
        if self.kind == UNIT:
            return f"unit({self.unit if isinstance(self.unit, str) else 'derived'}{', read' if self.read else ''})"
        return self.kind


class Args:
    """The arguments of one call, by parameter name (for unit resolvers)."""

    __slots__ = ("_sig", "_args", "_kwargs")

    def __init__(self, sig: _Sig, args: tuple[Any, ...], kwargs: dict[str, Any]):
        self._sig = sig
        self._args = args
        self._kwargs = kwargs

    def __getitem__(self, name: str) -> Any:
        return self._sig.get(name, self._args, self._kwargs)


class _Sig:
    """Positions and defaults of a function's parameters, worked out once."""

    def __init__(self, fn: Callable[..., Any]):
        params = list(inspect.signature(fn).parameters.values())
        self.pos = {p.name: i for i, p in enumerate(params)
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)}
        self.defaults = {p.name: p.default for p in params if p.default is not p.empty}
        self.names = {p.name for p in params}
        self.var_kw = next((p.name for p in params if p.kind == p.VAR_KEYWORD), None)

    def get(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if name in kwargs:
            return kwargs[name]
        i = self.pos.get(name)
        if i is not None and i < len(args):
            return args[i]
        if name == self.var_kw:
            return kwargs
        return self.defaults.get(name)


def _app_of(sig: _Sig, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if "app" in sig.names:
        return sig.get("app", args, kwargs)
    if "self" in sig.names:
        owner = sig.get("self", args, kwargs)
        return owner if hasattr(owner, "settings") else getattr(owner, "app", None)
    for name in ("app_or_db_path", "store"):
        if name in sig.names:
            v = sig.get(name, args, kwargs)
            return v if hasattr(v, "settings") else None
    return None


def module_rule(kind: str, *, why: str) -> Rule:
    """The rule of a whole module or package: only PUBLIC (no unit's data anywhere in it)."""
    if kind != PUBLIC:
        raise ValueError("a whole module may only be declared PUBLIC")
    return Rule(PUBLIC, why=why)


def rule(kind: str, *, unit: UnitSpec = None, read: bool = False, what: str = "",
         why: str = "") -> Callable[[F], F]:
    """Declare (and for the checked kinds, enforce) who may call the decorated function.
    On a class, ``PUBLIC`` or ``INTERNAL`` covers every method without its own rule."""
    if kind not in KINDS:
        raise ValueError(f"unknown rule {kind}")
    declared = Rule(kind, unit, read, what, why)

    def deco(fn: F) -> F:
        if inspect.isclass(fn):
            if kind not in (PUBLIC, INTERNAL):
                raise TypeError("a class may only be declared PUBLIC or INTERNAL as a whole")
            setattr(fn, "__authority__", declared)  # noqa: B010 - a class or function attribute
            return fn
        if kind in UNCHECKED:
            setattr(fn, "__authority__", declared)  # noqa: B010
            return fn
        sig = _Sig(fn)
        if "actor" not in sig.names:
            raise TypeError(f"{fn.__qualname__}: a checked rule needs an 'actor' parameter")
        if kind == UNIT and unit is None:
            raise TypeError(f"{fn.__qualname__}: a UNIT rule names its unit")
        if isinstance(unit, str) and unit not in sig.names:
            raise TypeError(f"{fn.__qualname__}: no parameter named {unit!r}")

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            actor = sig.get("actor", args, kwargs)
            app = _app_of(sig, args, kwargs)
            target: Any = None
            if kind == UNIT:
                target = sig.get(unit, args, kwargs) if isinstance(unit, str) else cast(
                    Callable[[Args], Any], unit)(Args(sig, args, kwargs))
            check(declared, app, actor, target)
            return fn(*args, **kwargs)

        setattr(guarded, "__authority__", declared)  # noqa: B010
        return cast(F, guarded)

    return deco


# -- the checks -------------------------------------------------------------------------------------

def installed_unit(app: Any) -> str | None:
    """The unit of a bureau installation (None on the office's PC or without an app)."""
    settings = getattr(app, "settings", None)
    if settings is None:
        return None
    inst = settings.get("installation")
    if isinstance(inst, dict) and inst.get("unit"):
        return str(inst["unit"])
    return None


def bureau_of(app: Any, actor: Any) -> str | None:
    """Where ``actor`` acts as a bureau's local user: the actor's own mark, else the
    database's installation."""
    return getattr(actor, "bureau", None) or installed_unit(app)


def has_office_power(app: Any, actor: Any) -> bool:
    """A reviewer or administrator of the leadership office (never on a bureau installation)."""
    return getattr(actor, "role", None) in (REVIEWER, ADMIN) and not bureau_of(app, actor)


def _signed_in(actor: Any, what: str) -> None:
    if getattr(actor, "role", None) not in ROLES or not getattr(actor, "username", ""):
        raise PermissionDenied(f"请先登录，再{what or '进行此操作'}。")


def _bureau_refusal(bureau: str, what: str) -> PermissionDenied:
    return PermissionDenied(f"本机是{bureau}的填报电脑：本机管理员只管理本机的账户和备份，不能{what}；"
                            "审核、设置等工作请在领导小组办公室的电脑上进行。")


def check(r: Rule, app: Any, actor: Any, unit: Any = None) -> None:
    """Raise PermissionDenied unless ``actor`` may act under rule ``r`` (on ``unit``)."""
    if r.kind in UNCHECKED:
        return
    what = r.what or _DEFAULT_WHAT[r.kind]
    _signed_in(actor, what)
    if r.kind == SIGNED_IN:
        return
    role = actor.role
    bureau = bureau_of(app, actor)
    if r.kind == ADMIN_RULE:
        if role != ADMIN:
            raise PermissionDenied(f"只有管理员可以{what}。")
        return
    if r.kind in (OFFICE, OFFICE_ADMIN):
        if role == ADMIN and bureau:
            raise _bureau_refusal(bureau, what)
        if r.kind == OFFICE_ADMIN and role != ADMIN:
            raise PermissionDenied(f"只有管理员可以{what}。")
        if not has_office_power(app, actor):
            raise PermissionDenied(f"只有领导小组办公室的审核员或管理员可以{what}。")
        return
    # UNIT
    units = _units(unit)
    if has_office_power(app, actor):
        return
    if not units:
        if role == CLERK:
            raise PermissionDenied(f"您是{actor.unit or '未指定单位'}的填报员，只能查看和填报本单位的数据，"
                                   f"不能{what}（全部单位）。")
        if bureau:
            raise _bureau_refusal(bureau, f"{what}（全部单位）")
        raise PermissionDenied(f"只有领导小组办公室可以{what}（全部单位）。")
    named = _name_units(what, units)
    if role == CLERK:
        if actor.unit in units:
            return
        raise PermissionDenied(f"您是{actor.unit or '未指定单位'}的填报员，不能{named}。")
    if role == ADMIN and bureau and r.read and bureau in units:
        return
    if role == ADMIN and bureau:
        raise _bureau_refusal(bureau, named)
    raise PermissionDenied(f"只有{'、'.join(units)}的填报员或领导小组办公室可以{named}。")


def _name_units(what: str, units: list[str]) -> str:
    """“修改该单位的数据” → “修改<单位名>的数据”; otherwise the units follow in brackets."""
    names = "、".join(units)
    return what.replace("该单位", names) if "该单位" in what else f"{what}（{names}）"


def _units(unit: Any) -> list[str]:
    if unit is None or unit == "":
        return []
    if isinstance(unit, str):
        return [unit]
    if isinstance(unit, Sequence):
        return [str(u) for u in unit if u]
    return [str(unit)]


def demand(kind: str, app: Any, actor: Any, unit: Any = None, *, read: bool = False, what: str = "") -> None:
    """Check a rule inside a service once it knows what it acts on (the kind of a package,
    the unit of a template). Same rules and messages as ``@rule``."""
    check(Rule(kind, None, read, what), app, actor, unit)


def allowed(kind: str, app: Any, actor: Any, unit: Any = None, *, read: bool = False) -> bool:
    """Whether ``demand`` would pass (for showing or hiding things; the services check again)."""
    try:
        demand(kind, app, actor, unit, read=read)
    except PermissionDenied:
        return False
    return True


_DEFAULT_WHAT = {SIGNED_IN: "进行此操作", UNIT: "查看或修改该单位的数据", OFFICE: "进行此操作",
                 OFFICE_ADMIN: "修改办公室的设置", ADMIN_RULE: "进行此操作"}


def declared(obj: Any) -> Rule | None:
    """The rule declared on a function, method or class (None when there is none)."""
    return getattr(obj, "__authority__", None)


for _f in (rule, module_rule, installed_unit, bureau_of, has_office_power, check, demand, allowed, declared, Rule, Args):
    setattr(_f, "__authority__", Rule(PUBLIC, why="the rules themselves"))  # noqa: B010

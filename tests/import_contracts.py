"""A contract type of our own for import-linter (registered in setup.cfg's [importlinter]).

``only_imports`` is the allow-list that the built-in ``forbidden`` contract, a deny-list,
cannot say: "plc.permissions imports, of plc, only models and queries". A new kind of module
imported there fails it without anyone having thought to forbid it first.
"""

from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain import helpers


class OnlyImportsContract(Contract):
    """Each of ``source_modules`` imports directly, of the root package, nothing but
    ``allowed_modules`` (module expressions, wildcards allowed). Other packages (flask,
    sqlalchemy) are not the contract's business."""

    type_name = "only_imports"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    allowed_modules = fields.ListField(subfield=fields.ModuleExpressionField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        sources = helpers.module_expressions_to_modules(graph, self.source_modules,
                                                        raise_if_unmatched=True)
        allowed = {module.name for module in
                   helpers.module_expressions_to_modules(graph, self.allowed_modules)}
        illegal = [
            (source, imported, sorted(detail["line_number"] for detail in
                                      graph.get_import_details(importer=source,
                                                               imported=imported)))
            for source in sorted(module.name for module in sources)
            for imported in sorted(graph.find_modules_directly_imported_by(source))
            if imported not in allowed
        ]
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for source, imported, lines in check.metadata["illegal"]:
            output.print_error(
                f"{source} is not allowed to import {imported} "
                f"(l.{', '.join(map(str, lines))})", bold=False)
            output.new_line()

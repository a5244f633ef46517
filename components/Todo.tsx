/** The 待办清单 on an org's overview (items from lib/todo.ts). */
import type { Countdown, TodoItem } from "../lib/todo.ts";

/** Props of {@link TodoList}. */
export interface TodoListProps {
  items: TodoItem[];
  /** The countdown to the org's level's deadline. */
  deadline: Countdown;
  level: number;
}

/** The tasks, each a link to the screen that does it, and the deadline of the org's level. */
export function TodoList({ items, deadline, level }: TodoListProps) {
  const left = items.filter((i) => !i.done).length;
  return (
    <section class="todo" aria-labelledby="todo-h">
      <h2 id="todo-h">待办清单{left ? `（还有 ${left} 项）` : "（已全部完成）"}</h2>
      <p class={deadline.overdue ? "deadline overdue" : "deadline"}>
        第 {level} 级组织截止日期：<strong>{deadline.date}</strong>（北京时间），{deadline.text}
      </p>
      <ol class="todo-list">
        {items.map((i) => (
          <li class={i.done ? "done" : "open"}>
            <span class="mark" aria-hidden="true">{i.done ? "✓" : "○"}</span>{" "}
            <a href={i.href}>{i.label}</a>：{i.state}
            <span class="sr">{i.done ? "（已完成）" : "（未完成）"}</span>
          </li>
        ))}
      </ol>
      <p class="muted">
        <a href="/guide">操作指南</a>：注册、填写组织信息、创建下级、生成注册码的步骤。
      </p>
    </section>
  );
}

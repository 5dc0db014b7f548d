// The todo page: lists the todos and adds new ones through the API.
async function load() {
  const response = await fetch("/todos");
  const todos = await response.json();
  const list = document.getElementById("todos");
  list.replaceChildren(...todos.map(render));
}

function render(todo) {
  const item = document.createElement("li");
  item.textContent = todo.title;
  return item;
}

document.getElementById("add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const title = document.getElementById("title");
  await fetch("/todos", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({title: title.value}),
  });
  title.value = "";
  await load();
});

load();
